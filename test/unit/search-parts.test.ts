import { describe, expect, it } from 'vitest';
import { judgeFreshness } from '../../src/project/versions.js';
import { adjustmentsFor, fuseScores } from '../../src/search/rank.js';
import { makeSnippet } from '../../src/search/snippet.js';
import { expandForFts, tokenize } from '../../src/text/tokenize.js';
import { wilsonLowerBound } from '../../src/trust/signals.js';

describe('tokenize', () => {
  it('splits code identifiers and keeps them whole', () => {
    expect(tokenize('getFooBar get_foo_bar HTTPServer utf8 foo.bar/baz')).toEqual([
      'get',
      'foo',
      'bar',
      'getfoobar',
      'get',
      'foo',
      'bar',
      'getfoobar',
      'http',
      'server',
      'httpserver',
      'utf',
      '8',
      'utf8',
      'foo',
      'bar',
      'baz',
      'foobarbaz',
    ]);
    expect(tokenize('useEffect', { whole: false })).toEqual(['use', 'effect']);
    expect(expandForFts('ERR_REQUIRE_ESM: require()')).toBe('err require esm errrequireesm require');
  });
});

describe('fuseScores', () => {
  it('min-max normalises each side and weights the lexical side 0.9', () => {
    const fused = fuseScores(
      [
        { id: 'a', score: 10 },
        { id: 'b', score: 5 },
        { id: 'c', score: 0 },
      ],
      [
        { id: 'c', score: 0.9 },
        { id: 'd', score: 0.1 },
      ],
    );
    expect(fused.get('a')).toBeCloseTo(0.9);
    expect(fused.get('b')).toBeCloseTo(0.45);
    expect(fused.get('c')).toBeCloseTo(0.1);
    expect(fused.get('d')).toBeCloseTo(0);
  });
});

describe('wilsonLowerBound', () => {
  it('is 0 without votes and ranks many agreeing votes above few', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(3, 0)).toBeCloseTo(0.4385, 3);
    expect(wilsonLowerBound(30, 2)).toBeGreaterThan(wilsonLowerBound(3, 0));
    expect(wilsonLowerBound(1, 5)).toBeLessThan(0.2);
  });
});

describe('judgeFreshness and adjustments', () => {
  const project = new Map([
    ['react', '18.3.1'],
    ['next', '15.1.0'],
    ['node', '20.20.2'],
  ]);
  it('matches applies_to against project versions, with name aliases', () => {
    expect(judgeFreshness({ react: '>=18', nextjs: '>=16' }, undefined, project)).toEqual({
      matches: ['react >=18 (project: 18.3.1)'],
      mismatches: ['nextjs >=16 (project: 15.1.0)'],
      reviewDue: false,
    });
    expect(judgeFreshness({ postgres: '>=14' }, '2020-01-01', project)).toEqual({
      matches: [],
      mismatches: [],
      reviewDue: true,
    });
  });
  it('documents every adjustment with a reason', () => {
    const adjustments = adjustmentsFor(
      { up: 3, down: 1, flags: 1, flagReasons: ['outdated'], trust: 0.3, validated: true, disputed: true },
      'deprecated',
      { matches: [], mismatches: ['next >=16 (project: 15.1.0)'], reviewDue: true },
    );
    expect(adjustments.map((a) => [a.factor, a.delta])).toEqual([
      ['validated', 0.05],
      ['trust', 0.03],
      ['disputed', -0.15],
      ['deprecated', -0.3],
      ['stale', -0.1],
      ['review-due', -0.05],
    ]);
    expect(adjustments.every((a) => a.reason.length > 0)).toBe(true);
  });
});

describe('makeSnippet', () => {
  it('picks the line with the most query terms and reports them', () => {
    const { snippet, matched } = makeSnippet(
      'database is locked',
      'Intro line.\nsqlite3.OperationalError: database is locked\nMore.',
      '```python\nconn.execute("BEGIN IMMEDIATE")\n```',
    );
    expect(snippet).toBe('sqlite3.OperationalError: database is locked');
    expect(matched).toEqual(['database', 'is', 'locked']);
  });
});
