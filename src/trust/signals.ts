import { z } from 'zod';
import type { AssessOptions } from './assess.js';
import type { TraceTrust } from './score.js';

export { wilsonLowerBound } from './wilson.js';

/** The trust signals of a trace as every edge shows them: search results, get_trace, the web view. */
export const TrustSummarySchema = z.object({
  up: z.number().int().describe("Counted up-votes: committed, written by their voter, not by the trace's author."),
  down: z.number().int().describe('Counted down-votes.'),
  flags: z.number().int().describe('Flags raised: the trace is disputed until a reviewer acts.'),
  trust: z.number().describe('Wilson lower bound (95%) of the weighted up-vote share; 0 with no counted votes.'),
  validated: z.boolean().describe('A curated seed, or at least policy.validated_after counted up-votes.'),
  disputed: z.boolean().describe('Flagged at least once: ranked down, never hidden.'),
});
export type TrustSummary = z.infer<typeof TrustSummarySchema>;

/**
 * What search needs to know about a trace's votes and flags, kept beside the index
 * (.ct/index/signals.json). The fields after `flag_reasons` came with weighted trust; they are
 * optional so signal files written by older versions still load. The formulas are in
 * src/trust/ and `ct trust`.
 */
export const TraceSignalsSchema = TrustSummarySchema.extend({
  flagReasons: z.array(z.string()).default([]).describe('The reasons of the flags.'),
  weighted_up: z.number().optional().describe('The sum of the weights of the counted up-votes.'),
  weighted_down: z.number().optional(),
  author_votes_ignored: z.number().int().optional().describe("Votes by the trace's author, which do not count."),
  unverified_votes_ignored: z
    .number()
    .int()
    .optional()
    .describe('Votes not written by the voter they are named after, or not committed.'),
  seed: z.boolean().optional(),
});
export type TraceSignals = z.infer<typeof TraceSignalsSchema>;

/** The summary of a trace's signals; a trace nobody voted on or flagged has zeros. */
export function summarizeTrust(signals: TraceSignals | undefined): TrustSummary {
  return {
    up: signals?.up ?? 0,
    down: signals?.down ?? 0,
    flags: signals?.flags ?? 0,
    trust: Math.round((signals?.trust ?? 0) * 1000) / 1000,
    validated: signals?.validated ?? false,
    disputed: signals?.disputed ?? false,
  };
}

/**
 * Votes, flags, trust and validated status per trace id, from the checkout and its history (see
 * src/trust/assess.ts). Malformed files are ignored here (`ct check` reports them); seeds count
 * as validated.
 */
export async function readSignals(root: string, options: AssessOptions): Promise<Map<string, TraceSignals>> {
  // Loaded on use: a search reads the summaries (summarizeTrust), only index updates assess.
  const { assessStore } = await import('./assess.js');
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
