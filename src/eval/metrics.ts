/**
 * Retrieval metrics and bootstrap intervals, shared by `ct eval` and the eval benchmark
 * (test/bench/eval-search.ts), as in the search lab's evaluation (searchlab lib/metrics.mjs), so
 * numbers from all three are comparable.
 */

export interface QueryMetrics {
  r5: number;
  r10: number;
  mrr10: number;
  ndcg10: number;
}

export const METRIC_KEYS = ['r5', 'r10', 'mrr10', 'ndcg10'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The name each metric has in JSON output and in ct.yml floors. */
export const METRIC_NAMES: Record<MetricKey, keyof MetricSummary> = {
  r5: 'recall_at_5',
  r10: 'recall_at_10',
  mrr10: 'mrr_at_10',
  ndcg10: 'ndcg_at_10',
};

/** recall@5, recall@10, MRR@10 and nDCG@10 (binary relevance) of one ranked list. */
export function scoreRanking(ranked: readonly string[], relevant: readonly string[]): QueryMetrics {
  const rel = new Set(relevant);
  const recall = (k: number) => ranked.slice(0, k).filter((id) => rel.has(id)).length / rel.size;
  let rr = 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(10, ranked.length); i++) {
    if (!rel.has(ranked[i] as string)) continue;
    if (rr === 0) rr = 1 / (i + 1);
    dcg += 1 / Math.log2(i + 2);
  }
  let idcg = 0;
  for (let i = 0; i < Math.min(10, rel.size); i++) idcg += 1 / Math.log2(i + 2);
  return { r5: recall(5), r10: recall(10), mrr10: rr, ndcg10: dcg / idcg };
}

export interface MetricSummary {
  recall_at_5: number;
  recall_at_10: number;
  mrr_at_10: number;
  ndcg_at_10: number;
}

export function averageMetrics(rows: readonly QueryMetrics[]): MetricSummary {
  const mean = (key: keyof QueryMetrics) => round4(rows.reduce((sum, r) => sum + r[key], 0) / rows.length);
  return { recall_at_5: mean('r5'), recall_at_10: mean('r10'), mrr_at_10: mean('mrr10'), ndcg_at_10: mean('ndcg10') };
}

/** mulberry32: a small seeded PRNG in [0, 1), so resamples and samples are reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BOOTSTRAP_RESAMPLES = 10_000;
export const BOOTSTRAP_SEED = 12345;

/** Sorted means of `resamples` resamples (with replacement) of `values`. */
function resampleMeans(values: readonly number[], resamples: number, seed: number): Float64Array {
  const n = values.length;
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)] as number;
    means[r] = n > 0 ? sum / n : 0;
  }
  return means.sort();
}

const percentile95 = (sorted: Float64Array): [number, number] => [
  round4(sorted[Math.floor(sorted.length * 0.025)] ?? 0),
  round4(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.975))] ?? 0),
];

export interface MeanInterval {
  mean: number;
  ci95: [number, number];
}

/** The mean of per-query values with its percentile-bootstrap 95% interval. */
export function bootstrapMean(
  values: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): MeanInterval {
  const mean = values.length > 0 ? values.reduce((x, y) => x + y, 0) / values.length : 0;
  return { mean: round4(mean), ci95: percentile95(resampleMeans(values, resamples, seed)) };
}

export interface BootstrapResult {
  mean_diff: number;
  ci95: [number, number];
  /** Share of resamples where the difference is <= 0 (a one-sided bootstrap p-value). */
  p_le_0: number;
  resamples: number;
  seed: number;
}

/** Percentile-bootstrap 95% CI of mean(a - b) over paired per-query values. */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): BootstrapResult {
  const diff = a.map((x, i) => x - (b[i] as number));
  const means = resampleMeans(diff, resamples, seed);
  const mean = diff.length > 0 ? diff.reduce((x, y) => x + y, 0) / diff.length : 0;
  const atOrBelowZero = means.reduce((count, m) => count + (m <= 0 ? 1 : 0), 0);
  return {
    mean_diff: round4(mean),
    ci95: percentile95(means),
    p_le_0: round4(atOrBelowZero / resamples),
    resamples,
    seed,
  };
}

export const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
