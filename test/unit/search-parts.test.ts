import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/embed/embedding.js';
import { judgeFreshness } from '../../src/project/versions.js';
import {
  adjustmentsFor,
  CODE_LEXICAL_SHIFT,
  codeShare,
  codeShiftFor,
  fuseScores,
  traceLexicalWeight,
} from '../../src/search/rank.js';
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
  it('min-max normalises each side and weights the lexical side 0.75 (fitted on the dev sets)', () => {
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
    expect(fused.get('a')).toBeCloseTo(0.75);
    expect(fused.get('b')).toBeCloseTo(0.375);
    expect(fused.get('c')).toBeCloseTo(0.25);
    expect(fused.get('d')).toBeCloseTo(0);
  });
});

describe('the lexical weight of a trace', () => {
  const prose = 'The build fails with EACCES when npm writes to the global folder.';
  const code = '```js\nconst fs = require("fs");\nfs.writeFileSync(path, data);\n```';

  it('is the share of the text in fenced code blocks', () => {
    expect(codeShare(prose)).toBe(0);
    expect(codeShare('')).toBe(0);
    expect(codeShare(code)).toBeGreaterThan(0.75);
    const mixed = codeShare(`${prose}\n\n${code}`);
    expect(mixed).toBeGreaterThan(0.3);
    expect(mixed).toBeLessThan(codeShare(code));
  });

  it('lowers BM25 weight for code with the default table, not for prose, an adapted table or another model', () => {
    const shift = codeShiftFor(DEFAULT_MODEL, false);
    expect(shift).toBe(CODE_LEXICAL_SHIFT);
    expect(CODE_LEXICAL_SHIFT).toBeGreaterThan(0);
    expect(codeShiftFor(DEFAULT_MODEL, true)).toBe(0);
    expect(codeShiftFor('use-lite-static-v1', false)).toBe(0);
    expect(traceLexicalWeight(0.75, 0, shift)).toBe(0.75);
    expect(traceLexicalWeight(0.75, 1, shift)).toBeCloseTo(0.75 - CODE_LEXICAL_SHIFT);
    expect(traceLexicalWeight(0.75, 0.5, shift)).toBeCloseTo(0.75 - CODE_LEXICAL_SHIFT / 2);
    expect(traceLexicalWeight(0.5, 1, 0)).toBe(0.5);
    expect(traceLexicalWeight(0.1, 1, shift)).toBe(0);
  });

  it('lets the embedding lift a code trace past a prose trace with more BM25', () => {
    const lexical = [
      { id: 'prose', score: 10 },
      { id: 'code', score: 8 },
      { id: 'other', score: 0 },
    ];
    const vector = [
      { id: 'code', score: 0.9 },
      { id: 'prose', score: 0.5 },
      { id: 'other', score: 0.1 },
    ];
    const flat = fuseScores(lexical, vector, 0.75);
    expect(flat.get('prose')).toBeGreaterThan(flat.get('code') as number);
    const shares: Record<string, number> = { prose: 0, code: 1, other: 0 };
    const byTrace = fuseScores(lexical, vector, (id) => traceLexicalWeight(0.75, shares[id] ?? 0, CODE_LEXICAL_SHIFT));
    expect(byTrace.get('code')).toBeGreaterThan(byTrace.get('prose') as number);
    expect(byTrace.get('prose')).toBeCloseTo(flat.get('prose') as number);
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

  it('never answers with an import line, even when it holds the query terms', () => {
    const context = [
      'Running the script fails at once:',
      '```python',
      'import requests',
      'from requests.adapters import HTTPAdapter',
      '```',
      "ModuleNotFoundError: No module named 'requests'",
    ].join('\n');
    const solution =
      'Install requests into the virtual environment the script runs in: `python -m pip install requests`.';
    expect(makeSnippet('ModuleNotFoundError requests', context, solution).snippet).toBe(
      "ModuleNotFoundError: No module named 'requests'",
    );
    // The import lines hold the name too, and more often: the error line answers.
    expect(makeSnippet('requests HTTPAdapter', context, solution).snippet).toBe(
      "ModuleNotFoundError: No module named 'requests'",
    );
    expect(makeSnippet('pip install', context, solution).snippet).toMatch(/^Install requests into the virtual/);
    expect(makeSnippet('HTTPAdapter', 'import x\nconst y = require("y")\nThe problem.', '').snippet).toBe(
      'The problem.',
    );
  });

  it('weighs rare terms above common ones, and takes the line a colon introduces along', () => {
    const context = 'The error shows in the logs of the app in the container.\nError: ECONNREFUSED 127.0.0.1:5432';
    const solution = 'Point the app at the service name instead of localhost:\nDATABASE_URL=postgres://db:5432/app';
    // "the" and "in" are everywhere; ECONNREFUSED is on one line.
    expect(makeSnippet('ECONNREFUSED in the app', context, solution).snippet).toBe(
      'Error: ECONNREFUSED 127.0.0.1:5432',
    );
    expect(makeSnippet('service name instead of localhost', context, solution).snippet).toBe(
      'Point the app at the service name instead of localhost: DATABASE_URL=postgres://db:5432/app',
    );
    // No match: the context's first line states the problem.
    expect(makeSnippet('zzqxv', context, solution).snippet).toBe(context.split('\n')[0]);
  });
});
