import { DEFAULT_MODEL } from '../embed/embedding.js';
import type { Freshness } from '../project/versions.js';
import { describeStale, type RegistryStale } from '../staleness/judge.js';
import { codeBlocks } from '../text/code.js';
import type { TraceSignals } from '../trust/signals.js';

/**
 * Fusion and re-ranking: the constants here are the documented ranking policy (README, "How
 * search works"). The lexical weight was fitted on both dev sets at once (test/bench/eval-search.ts
 * sweeps it; objective: the sum of the recall@10 and MRR@10 gains on cosqa-dev and
 * seamonkey-dup) after ct-static-v2 and the field weights: 0.75 against the 0.9 fitted for the
 * previous embedder, paired bootstrap over the ranking of main (one column, 0.9): cosqa-dev
 * recall@10 +0.032 [+0.012, +0.052], MRR@10 +0.025 [+0.013, +0.038]; seamonkey-dup recall@10
 * +0.043 [+0.011, +0.087], MRR@10 +0.010 [-0.021, +0.038]. Min-max beat max-only normalisation.
 * With ct-static-v3 it stays the weight of a trace of prose, swept again with the code share
 * (CODE_LEXICAL_SHIFT): 0.70 and 0.80 were within 0.007 of it (one query), so it stayed.
 *
 * Vector-only candidates (not among the lexical hits) were tried, admitted above a similarity
 * threshold (0.35 to 0.7) or by vector rank (top 3): no gain on either set (the relevant trace is
 * outside the lexical top 100 but inside the vector top 10 for 12 of 500 cosqa-dev queries and 0
 * of 92 seamonkey-dup ones, and at fused scores too low to reach the top 10), so a result must
 * still match the query lexically.
 */
export const LEXICAL_WEIGHT = 0.75;
/**
 * The lexical weight of an index whose embedding was adapted to its store (src/embed/adapt.ts, an
 * opt-in): the adapted vectors earn more of the say. Swept with the adaptation on both dev sets
 * (test/bench/eval-search.ts, `hybrid_alpha_<a>` of the adapted variant): 0.5 gives cosqa-dev its
 * best gain; on seamonkey-dup no weight makes adaptation a gain, which is why it is opt-in.
 */
export const ADAPTED_LEXICAL_WEIGHT = 0.5;

/**
 * The fusion's lexical weight for a store's index: the store's own (ct.yml search.lexical_weight,
 * fitted on its labelled queries by `ct eval --fit`), else the one measured on the dev sets.
 */
export const lexicalWeightFor = (adapted: boolean, configured?: number): number =>
  configured ?? (adapted ? ADAPTED_LEXICAL_WEIGHT : LEXICAL_WEIGHT);

/**
 * How much lower a trace's lexical weight is per unit of its code share (the share of its
 * characters in fenced code blocks): a trace that is all code is fused at 0.75 - 0.35 = 0.40. A
 * query is words; code names things otherwise (`isinstance(x, Iterable)` for "check if a variable
 * is iterable"), so BM25 misses more on code and the embedding, trained on docstring <-> code
 * pairs, bridges the gap. Measured on the dev sets, whose corpora are the two ends (cosqa-dev: code
 * share 0.95; seamonkey-dup: 0.01): one flat weight cannot serve both (cosqa-dev is best at
 * 0.4-0.5, seamonkey-dup at 0.75-0.9). Swept with the base weight (0.7/0.75/0.8 x 0-0.4, the sum of
 * recall@10 and MRR@10 on both sets, ct-static-v3): 0.75 and 0.35, on a plateau from 0.3 to 0.4
 * (test/bench/eval-search.ts: hybrid against hybrid_flat). Only for the default table, not adapted
 * (see codeShiftFor).
 */
export const CODE_LEXICAL_SHIFT = 0.35;

/** The share of a markdown text's characters that are in fenced code blocks (0..1). */
export function codeShare(markdown: string): number {
  if (markdown.length === 0) return 0;
  return Math.min(1, codeBlocks(markdown).length / markdown.length);
}

/** A trace's code share: of its context and solution, as the index rows hold them. */
export const traceCodeShare = (trace: { context: string; solution: string }): number =>
  codeShare(`${trace.context}\n${trace.solution}`);

/**
 * The code shift of an index's fusion: CODE_LEXICAL_SHIFT for the default table, for which it was
 * fitted; none for an adapted table or another model (with `use-lite-static-v1` it cost cosqa-dev
 * 0.106 recall@10: a weaker embedding earns no more say on code).
 */
export const codeShiftFor = (model: string, adapted: boolean): number =>
  model === DEFAULT_MODEL && !adapted ? CODE_LEXICAL_SHIFT : 0;

/** The lexical weight of one trace: the store's weight, lowered by its code share times the index's code shift. */
export const traceLexicalWeight = (weight: number, share: number, shift: number): number =>
  Math.max(0, weight - shift * share);
export const CANDIDATES_PER_SIDE = 100;

export const ADJUST = {
  /** Validated: enough up-votes from people other than the author, or a curated seed. */
  validated: 0.05,
  /** Times the Wilson lower bound of the up-vote share (0..1). */
  trust: 0.1,
  /** A flag never hides a trace, it ranks it down until a reviewer acts. */
  disputed: -0.15,
  deprecated: -0.3,
  /** applies_to names a version range the project falls outside of. */
  versionMismatch: -0.1,
  /** applies_to names versions the project uses. */
  versionMatch: 0.05,
  reviewDue: -0.05,
  /** applies_to leaves out the current major version on the package registry (from `ct stale`'s cache). */
  registryStale: -0.05,
} as const;

export interface Scored {
  id: string;
  score: number;
}

/**
 * Min-max normalises each list over its own candidates; a document missing from a list scores 0
 * there. `alpha` is the lexical weight, one for all or each document's own.
 */
export function fuseScores(
  lexical: readonly Scored[],
  vector: readonly Scored[],
  alpha: number | ((id: string) => number) = LEXICAL_WEIGHT,
): Map<string, number> {
  const normalise = (list: readonly Scored[]) => {
    const out = new Map<string, number>();
    if (list.length === 0) return out;
    let lo = Infinity;
    let hi = -Infinity;
    for (const { score } of list) {
      lo = Math.min(lo, score);
      hi = Math.max(hi, score);
    }
    const range = hi - lo || 1;
    for (const { id, score } of list) out.set(id, hi === lo ? 1 : (score - lo) / range);
    return out;
  };
  const l = normalise(lexical);
  const v = normalise(vector);
  const fused = new Map<string, number>();
  for (const id of new Set([...l.keys(), ...v.keys()])) {
    const a = typeof alpha === 'number' ? alpha : alpha(id);
    fused.set(id, a * (l.get(id) ?? 0) + (1 - a) * (v.get(id) ?? 0));
  }
  return fused;
}

export interface Adjustment {
  factor: string;
  delta: number;
  reason: string;
}

export function adjustmentsFor(
  signals: TraceSignals | undefined,
  status: string,
  freshness: Freshness,
  registry: readonly RegistryStale[] = [],
): Adjustment[] {
  const out: Adjustment[] = [];
  if (signals?.validated)
    out.push({
      factor: 'validated',
      delta: ADJUST.validated,
      reason: signals.up > 0 ? `${signals.up} up-vote(s)` : 'curated seed',
    });
  if (signals && signals.up + signals.down > 0)
    out.push({
      factor: 'trust',
      delta: round(ADJUST.trust * signals.trust),
      reason: `Wilson lower bound ${signals.trust.toFixed(2)} from ${signals.up} up, ${signals.down} down`,
    });
  if (signals?.disputed)
    out.push({
      factor: 'disputed',
      delta: ADJUST.disputed,
      reason: `${signals.flags} flag(s): ${[...new Set(signals.flagReasons)].join(', ')}`,
    });
  if (status === 'deprecated')
    out.push({ factor: 'deprecated', delta: ADJUST.deprecated, reason: 'status: deprecated' });
  if (freshness.mismatches.length > 0)
    out.push({
      factor: 'stale',
      delta: ADJUST.versionMismatch,
      reason: `applies to ${freshness.mismatches.join('; ')}`,
    });
  else if (registry.length > 0)
    out.push({ factor: 'stale', delta: ADJUST.registryStale, reason: registry.map(describeStale).join('; ') });
  if (freshness.mismatches.length === 0 && freshness.matches.length > 0)
    out.push({
      factor: 'fits-project',
      delta: ADJUST.versionMatch,
      reason: `applies to ${freshness.matches.join('; ')}`,
    });
  if (freshness.reviewDue)
    out.push({ factor: 'review-due', delta: ADJUST.reviewDue, reason: 'review_after date has passed' });
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export { round };
