import { describe, expect, it } from 'vitest';
import type { QueryMetrics } from '../../src/eval/metrics.js';
import { FIT_WEIGHTS, fitFromScores } from '../../src/eval/run.js';

const hit: QueryMetrics = { r5: 1, r10: 1, mrr10: 1, ndcg10: 1 };
const second: QueryMetrics = { r5: 1, r10: 1, mrr10: 0.5, ndcg10: 0.63 };
const miss: QueryMetrics = { r5: 0, r10: 0, mrr10: 0, ndcg10: 0 };

/** Per-query metrics for every weight: `at(weight, i)` says how query i fares. */
function scores(queries: number, at: (weight: number, i: number) => QueryMetrics): Map<number, QueryMetrics[]> {
  const out = new Map<number, QueryMetrics[]>();
  for (const w of new Set([0.75, ...FIT_WEIGHTS]))
    out.set(
      w,
      Array.from({ length: queries }, (_, i) => at(w, i)),
    );
  return out;
}

describe('fitFromScores (ct eval --fit)', () => {
  it('tries 0.30 to 1.00 by 0.05', () => {
    expect(FIT_WEIGHTS).toHaveLength(15);
    expect(FIT_WEIGHTS[0]).toBe(0.3);
    expect(FIT_WEIGHTS.at(-1)).toBe(1);
    expect(FIT_WEIGHTS).toContain(0.55);
  });

  it('recommends a weight that wins on queries it was not fitted on', () => {
    // Below 0.6 the vectors lift the relevant trace of most queries from second to first.
    const fit = fitFromScores(
      scores(40, (w, i) => (w <= 0.55 && i % 5 !== 0 ? hit : second)),
      0.75,
    );
    expect(fit.best).toBe(0.55); // of the equals (0.30 to 0.55), the nearest to 0.75
    expect(fit.difference.mrr_at_10.mean_diff).toBeCloseTo(0.4, 5);
    expect(fit.difference.recall_at_10.mean_diff).toBe(0);
    expect(fit.held_out.ci95[0]).toBeGreaterThan(0);
    expect(fit.recommended).toBe(true);
    expect(fit.weights.find((w) => w.weight === 0.55)).toEqual({ weight: 0.55, recall_at_10: 1, mrr_at_10: 0.9 });
  });

  it('keeps the current weight when none does better, and of equals the current one', () => {
    const fit = fitFromScores(
      scores(20, () => hit),
      0.75,
    );
    expect(fit.best).toBe(0.75);
    expect(fit.recommended).toBe(false);
    expect(fit.held_out.mean_diff).toBeCloseTo(0, 10);
  });

  it('does not recommend a weight that only wins by chance on the queries it was fitted on', () => {
    // 0.4 helps queries 0 and 1 and hurts 2 and 3; one extra hit in the first half picks it there,
    // and on the other half it loses.
    const fit = fitFromScores(
      scores(8, (w, i) => {
        if (w !== 0.4) return i % 2 === 0 ? hit : miss;
        return [0, 2, 4, 6].includes(i) ? (i === 6 ? miss : hit) : i === 1 || i === 3 ? hit : miss;
      }),
      0.75,
    );
    expect(fit.recommended).toBe(false);
    expect(fit.held_out.ci95[0]).toBeLessThanOrEqual(0);
  });
});
