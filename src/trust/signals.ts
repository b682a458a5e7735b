import { assessStore } from './assess.js';
import type { TraceTrust } from './score.js';

export { wilsonLowerBound } from './wilson.js';

/**
 * What search needs to know about a trace's votes and flags, kept beside the index. The fields
 * after `disputed` were added with weighted trust; they are optional so signal files written by
 * older versions still load. The formulas are in src/trust/ and `ct trust`.
 */
export interface TraceSignals {
  /** Counted up-votes: committed, written by their voter, not by the trace's author. */
  up: number;
  /** Counted down-votes. */
  down: number;
  flags: number;
  flagReasons: string[];
  /** Wilson score lower bound (95%) of the weighted up-vote share; 0 with no counted votes. */
  trust: number;
  /** A seed, or at least policy.validated_after counted up-votes. */
  validated: boolean;
  /** Flagged at least once: ranked down, never hidden. */
  disputed: boolean;
  /** The sum of the weights of the counted up-votes (weight = 1 + log2(1 + reputation)). */
  weighted_up?: number;
  weighted_down?: number;
  /** Votes by the trace's author, which do not count. */
  author_votes_ignored?: number;
  /** Votes whose file is not named after its last writer, or that are not committed. */
  unverified_votes_ignored?: number;
  seed?: boolean;
}

/**
 * Votes, flags, trust and validated status per trace id, from the checkout and its history (see
 * src/trust/assess.ts). Malformed files are ignored here (`ct check` reports them); seeds count
 * as validated.
 */
export async function readSignals(
  root: string,
  options: { validatedAfter: number; seededIds?: ReadonlySet<string>; aliases?: Record<string, string> },
): Promise<Map<string, TraceSignals>> {
  const assessed = await assessStore(root, options);
  return new Map([...assessed].map(([id, trust]) => [id, toSignals(trust)]));
}

/** The compact form kept in the index: no per-vote details. */
export function toSignals(t: TraceTrust): TraceSignals {
  return {
    up: t.up,
    down: t.down,
    flags: t.flags,
    flagReasons: t.flagReasons,
    trust: t.trust,
    validated: t.validated,
    disputed: t.disputed,
    weighted_up: t.weighted_up,
    weighted_down: t.weighted_down,
    author_votes_ignored: t.author_votes_ignored,
    unverified_votes_ignored: t.unverified_votes_ignored,
    seed: t.seed,
  };
}
