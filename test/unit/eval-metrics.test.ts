import { describe, expect, it } from 'vitest';
import { bootstrapMean, pairedBootstrap, scoreRanking } from '../../src/eval/metrics.js';
import { parseEvalQueries, unknownIds } from '../../src/eval/queries.js';

describe('retrieval metrics', () => {
  it('scores one ranking: recall@5/10, reciprocal rank and nDCG with binary relevance', () => {
    expect(scoreRanking(['a', 'b', 'c'], ['a'])).toEqual({ r5: 1, r10: 1, mrr10: 1, ndcg10: 1 });
    const third = scoreRanking(['x', 'y', 'a'], ['a']);
    expect(third.mrr10).toBeCloseTo(1 / 3);
    expect(third.ndcg10).toBeCloseTo(0.5);
    const sixth = scoreRanking(['1', '2', '3', '4', '5', 'a'], ['a', 'b']);
    expect(sixth).toMatchObject({ r5: 0, r10: 0.5 });
    expect(scoreRanking([], ['a'])).toEqual({ r5: 0, r10: 0, mrr10: 0, ndcg10: 0 });
  });

  it('gives the mean an interval that contains it, and a paired difference its sign', () => {
    const values = [1, 0, 1, 1, 0, 1, 0, 1, 1, 1];
    const { mean, ci95 } = bootstrapMean(values);
    expect(mean).toBe(0.7);
    expect(ci95[0]).toBeLessThan(0.7);
    expect(ci95[1]).toBeGreaterThan(0.7);
    expect(bootstrapMean(values)).toEqual({ mean, ci95 });
    const better = pairedBootstrap([1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1, 0, 1]);
    expect(better.mean_diff).toBe(0.5);
    expect(better.ci95[0]).toBeGreaterThan(0);
    expect(better.p_le_0).toBeLessThan(0.025);
    const same = pairedBootstrap([1, 0, 1, 0], [1, 0, 1, 0]);
    expect(same).toMatchObject({ mean_diff: 0, ci95: [0, 0], p_le_0: 1 });
  });
});

describe('a queries file', () => {
  it('reads entries with their lines, one id or a list', () => {
    const queries = parseEvalQueries(
      '# labels\n- query: a b\n  relevant: X\n- query: c\n  relevant: [Y, Z, Y]\n  note: hi\n',
      'q.yml',
    );
    expect(queries).toEqual([
      { query: 'a b', relevant: ['X'], line: 2 },
      { query: 'c', relevant: ['Y', 'Z'], line: 4 },
    ]);
    expect(unknownIds(queries, new Set(['X', 'Y']))).toEqual([
      { line: 4, message: 'unknown trace id Z: no trace in the store has it' },
    ]);
  });

  it('names every malformed entry by line', () => {
    const text = '- query: ok\n  relevant: [A]\n- just text\n- query: 3\n  relevant: []\n- relevant: [B]\n';
    expect(() => parseEvalQueries(text, 'q.yml')).toThrow(
      /q\.yml:3: expected an entry[\s\S]*q\.yml:4: query must be a non-empty string[\s\S]*q\.yml:5: relevant must be[\s\S]*q\.yml:6: query is missing/,
    );
    expect(() => parseEvalQueries('[]', 'q.yml')).toThrow(/q\.yml:1: no queries/);
  });
});
