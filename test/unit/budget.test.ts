import { describe, expect, it } from 'vitest';
import { applyBudget, estimateTokens } from '../../src/search/budget.js';
import type { SearchResponse, SearchResult } from '../../src/search/schema.js';

const result = (id: string, bodyChars: number): SearchResult => ({
  store: 's',
  id,
  title: `Trace ${id}`,
  tags: ['t'],
  path: `traces/t/${id}.md`,
  created: '2026-11-01',
  status: 'active',
  applies_to: {},
  score: 1,
  trust: { up: 0, down: 0, flags: 0, trust: 0, validated: false, disputed: false },
  stale: [],
  snippet: 'the best line',
  detail: 'full',
  context: 'c'.repeat(bodyChars),
  solution: 's'.repeat(bodyChars),
  why: {
    matched_terms: [],
    lexical: null,
    vector: null,
    relevance: 1,
    query_coverage: null,
    store_weight: 1,
    adjustments: [],
  },
  also_in: [],
});

const response = (results: SearchResult[]): SearchResponse => ({
  query: 'q',
  tags: [],
  stores: [{ name: 's', traces: 3, model: 'm', updated: false }],
  results,
  total_candidates: results.length,
  budget: null,
  notes: [],
});

describe('applyBudget', () => {
  it('keeps whole traces while they fit, best first, then snippets, and counts what fits in neither', () => {
    const big = [result('A', 400), result('B', 400), result('C', 400), result('D', 40_000)];
    const out = applyBudget(response(big), 600);
    expect(out.results.map((r) => [r.id, r.detail])).toEqual([
      ['A', 'full'],
      ['B', 'snippet'],
      ['C', 'snippet'],
    ]);
    expect(out.results[1]?.context).toBeUndefined();
    expect(out.budget).toMatchObject({ tokens: 600, omitted: 1 });
    expect(out.budget?.used).toBeLessThanOrEqual(600);
    expect(estimateTokens(JSON.stringify(out))).toBeLessThanOrEqual(600 + 20);
  });

  it('leaves out what does not fit at all, and gives only snippets with detail snippet', () => {
    const many = Array.from({ length: 20 }, (_, i) => result(`R${i}`, 10));
    const tight = applyBudget(response(many), 300);
    expect(tight.results.length).toBeGreaterThan(0);
    expect(tight.results.length + (tight.budget?.omitted ?? 0)).toBe(20);
    const snippets = applyBudget(response(many.slice(0, 2)), 10_000, 'snippet');
    expect(snippets.results.map((r) => r.detail)).toEqual(['snippet', 'snippet']);
  });
});
