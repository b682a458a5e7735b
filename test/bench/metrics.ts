/**
 * Retrieval metrics and a paired bootstrap, as in the search lab's evaluation (searchlab
 * lib/metrics.mjs), so numbers from the two are comparable.
 */

export interface QueryMetrics {
  r5: number;
  r10: number;
  mrr10: number;
  ndcg10: number;
}

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
  resamples = 10_000,
  seed = 12345,
): BootstrapResult {
  const n = a.length;
  const diff = a.map((x, i) => x - (b[i] as number));
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const mean = diff.reduce((x, y) => x + y, 0) / n;
  const atOrBelowZero = means.reduce((count, m) => count + (m <= 0 ? 1 : 0), 0);
  return {
    mean_diff: round4(mean),
    ci95: [
      round4(means[Math.floor(resamples * 0.025)] as number),
      round4(means[Math.floor(resamples * 0.975)] as number),
    ],
    p_le_0: round4(atOrBelowZero / resamples),
    resamples,
    seed,
  };
}

export const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
