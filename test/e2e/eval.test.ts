import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EvalReport, FIT_WEIGHTS } from '../../src/eval/run.js';
import { CODE_LEXICAL_SHIFT } from '../../src/search/rank.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { commitAll, git, makeStore, writeFile } from '../helpers/git.js';
import { traceText } from '../helpers/trace.js';

const IDS = {
  compose: '01KC000000000000000000000A',
  locked: '01KC000000000000000000000B',
  esm: '01KC000000000000000000000C',
  rebase: '01KC000000000000000000000D',
};

/** oclif wraps error lines to the terminal width: one line again, for matching. */
const flat = (text: string) => text.replace(/\s*\n\s*(›\s*)?/g, ' ');

const body = (context: string, solution: string) => `## Context\n${context}\n\n## Solution\n${solution}\n`;

/** A store of four traces, committed, with labelled queries: three answerable, one not. */
async function storeWithQueries(): Promise<string> {
  const root = await makeStore('evalstore');
  const trace = (id: string, title: string, tags: string, context: string, solution: string) =>
    traceText({ id, title: JSON.stringify(title), tags, body: body(context, solution) });
  writeFile(
    root,
    'traces/docker-compose/healthcheck.md',
    trace(
      IDS.compose,
      'Docker Compose app starts before PostgreSQL is ready',
      '[docker-compose, postgresql]',
      'psycopg.OperationalError: connection refused while the database container boots.',
      'Add a healthcheck with pg_isready and depends_on condition: service_healthy.',
    ),
  );
  writeFile(
    root,
    'traces/sqlite/locked.md',
    trace(
      IDS.locked,
      'sqlite3.OperationalError: database is locked under concurrent writers',
      '[sqlite, python]',
      'Two processes write to one SQLite file and one fails with database is locked.',
      'Enable WAL mode and set a busy_timeout:\n\n```python\ncon.execute("PRAGMA journal_mode=WAL")\n```',
    ),
  );
  writeFile(
    root,
    'traces/esm/require.md',
    trace(
      IDS.esm,
      'ERR_REQUIRE_ESM: require() of an ES module from CommonJS',
      '[nodejs, esm]',
      'Error [ERR_REQUIRE_ESM]: require() of ES Module node_modules/chalk/index.js not supported.',
      'Use a dynamic import() or move the package to "type": "module".',
    ),
  );
  writeFile(
    root,
    'traces/git/rebase.md',
    trace(
      IDS.rebase,
      'Push after a rebase is rejected: use git push --force-with-lease',
      '[git]',
      'After rebasing a feature branch, git push is rejected as non-fast-forward.',
      'git push --force-with-lease overwrites the remote branch only if nobody else pushed.',
    ),
  );
  writeFile(
    root,
    'eval/queries.yml',
    [
      '# labelled queries for ct eval',
      '- query: app container starts before postgres accepts connections',
      `  relevant: [${IDS.compose}]`,
      '- query: "sqlite3.OperationalError: database is locked"',
      `  relevant: ${IDS.locked}`,
      '- query: require of ES module not supported',
      `  relevant: [${IDS.esm}]`,
      '- query: kubernetes pod evicted memory pressure',
      `  relevant: [${IDS.rebase}]`,
      '',
    ].join('\n'),
  );
  commitAll(root, 'traces and labelled queries');
  return root;
}

describe('ct eval on a store with labelled queries', () => {
  it('reports recall, MRR and nDCG with intervals, and names the queries it misses by line', async () => {
    const root = await storeWithQueries();
    const result = await runCli(['eval', '--json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<EvalReport>(result);
    expect(report).toMatchObject({ store: 'evalstore', file: 'eval/queries.yml', queries: 4, traces: 4 });
    expect(report.metrics.recall_at_10.mean).toBe(0.75);
    const [lo, hi] = report.metrics.recall_at_10.ci95;
    expect(lo).toBeLessThan(0.75);
    expect(hi).toBe(1);
    expect(report.per_query.map((q) => [q.line, q.rank])).toEqual([
      [2, 1],
      [4, 1],
      [6, 1],
      [8, null],
    ]);
    expect(report.metrics.mrr_at_10.mean).toBe(0.75);
    expect(report.passed).toBe(true);

    const human = await runCli(['eval'], { cwd: root });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/recall@10\s+0\.750\s+\[0\.\d{3}, 1\.000\]/);
    expect(human.stdout).toMatch(/1 query without a relevant trace in the top 10:\n\s+eval\/queries\.yml:8 /);
  });

  it('fails below the floor ct.yml sets, with the report still on stdout', async () => {
    const root = await storeWithQueries();
    fs.appendFileSync(path.join(root, 'ct.yml'), '\neval:\n  min_recall_at_10: 0.8\n  min_recall_at_5: 0.5\n');
    const result = await runCli(['eval', '--json'], { cwd: root });
    expect(result.code).toBe(10);
    const report = parseJson<EvalReport>(result);
    expect(report.passed).toBe(false);
    expect(report.floors).toEqual([
      { metric: 'recall_at_5', floor: 0.5, value: 0.75, passed: true },
      { metric: 'recall_at_10', floor: 0.8, value: 0.75, passed: false },
    ]);
    expect(result.stderr).toMatch(/below the floor of ct\.yml: recall_at_10 0\.75 < 0\.8/);
  });

  it('compares with another commit: the paired difference and its interval', async () => {
    const root = await storeWithQueries();
    const base = git(root, 'rev-parse', 'HEAD').trim();
    // A change that makes two answers unfindable: their words replaced by unrelated ones.
    writeFile(
      root,
      'traces/sqlite/locked.md',
      traceText({ id: IDS.locked, title: 'Concurrent writers', tags: '[misc]', body: body('Writers wait.', 'Wait.') }),
    );
    writeFile(
      root,
      'traces/esm/require.md',
      traceText({ id: IDS.esm, title: 'Loading packages', tags: '[misc]', body: body('Loading fails.', 'Load.') }),
    );
    commitAll(root, 'worse titles');
    const result = await runCli(['eval', '--against', base, '--json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<EvalReport>(result);
    expect(report.metrics.recall_at_10.mean).toBeLessThan(0.75);
    expect(report.against).toMatchObject({ ref: base, commit: base, traces: 4 });
    expect(report.against?.metrics.recall_at_10.mean).toBe(0.75);
    expect(report.against?.difference.recall_at_10.mean_diff).toBeLessThan(0);
    expect(report.against?.difference.recall_at_10.ci95[0]).toBeLessThan(0);
    // The temporary worktree is gone.
    expect(git(root, 'worktree', 'list').trim().split('\n')).toHaveLength(1);

    const human = await runCli(['eval', '--against', 'HEAD~1'], { cwd: root });
    expect(human.stdout).toMatch(/recall@10\s+0\.\d{3}\s+0\.750\s+-0\.\d{3}\s+\[-[01]\.\d{3}, [+-]0\.000\]/);
    // Another embedding model on HEAD: named in the report, its own index in the temporary worktree.
    const model = await runCli(['eval', '--against-model', 'use-lite-static-v1', '--json'], { cwd: root });
    expect(model.code, model.stderr).toBe(0);
    const byModel = parseJson<EvalReport>(model);
    expect(byModel.model).toBe('ct-static-v3');
    expect(byModel.against).toMatchObject({ ref: 'HEAD', model: 'use-lite-static-v1', traces: 4 });
    expect(byModel.against?.difference.recall_at_10.mean_diff).toBeCloseTo(
      byModel.metrics.recall_at_10.mean - (byModel.against?.metrics.recall_at_10.mean ?? 0),
      3,
    );
    const bad = await runCli(['eval', '--against', 'no-such-branch', '--json'], { cwd: root });
    expect(bad.code).toBe(4);
    expect(parseJson<{ error: { code: string } }>(bad).error.code).toBe('eval-ref');
  });

  it('compares a store adapted to its traces (ct.yml embedding.adapt) with the commit before it', async () => {
    const root = await storeWithQueries();
    // Enough traces to adapt (>= 512 pairs: a title, a paragraph and a commented code block each).
    for (let n = 0; n < 200; n++)
      writeFile(
        root,
        `traces/ops/t${n}.md`,
        traceText({
          id: `01KD${String(n).padStart(22, '0')}`,
          title: `worker ${n} crashes on start after the deploy`,
          tags: '[ops]',
          body: body(
            `The worker ${n} service crashes on start after the nightly deploy.`,
            `Restart it with a grace period:\n\n\`\`\`python\n# restart worker ${n} and wait\nclient.restart(grace=${n})\n\`\`\`\n`,
          ),
        }),
      );
    commitAll(root, 'ops traces');
    fs.appendFileSync(path.join(root, 'ct.yml'), '\nembedding:\n  adapt: true\n');
    commitAll(root, 'adapt the embedding');
    const result = await runCli(['eval', '--against', 'HEAD~1', '--json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<EvalReport>(result);
    expect(report).toMatchObject({ adapted: true, traces: 204 });
    expect(report.against).toMatchObject({ ref: 'HEAD~1', adapted: false, traces: 204 });
    const human = await runCli(['eval', '--against', 'HEAD~1'], { cwd: root });
    expect(human.stdout).toMatch(/204 traces, ct-static-v3, adapted/);
    expect(human.stdout).toMatch(/HEAD~1 \([0-9a-f]{7}, ct-static-v3\)/);
  }, 120_000);

  it('fits the lexical weight of the fusion on the queries, and the store searches with the weight ct.yml sets', async () => {
    const root = await storeWithQueries();
    const result = await runCli(['eval', '--fit', '--json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const fit = parseJson<EvalReport>(result).fit as NonNullable<EvalReport['fit']>;
    expect(fit.current).toBe(0.75);
    expect(fit.weights.map((w) => w.weight)).toEqual(FIT_WEIGHTS);
    // Three queries find theirs first at 0.75 and the fourth has none to find: nothing does better.
    expect(fit.weights.find((w) => w.weight === 0.75)).toEqual({ weight: 0.75, recall_at_10: 0.75, mrr_at_10: 0.75 });
    expect(fit.best).toBe(0.75);
    expect(fit.recommended).toBe(false);
    const human = await runCli(['eval', '--fit'], { cwd: root });
    expect(human.stdout).toMatch(/0\.75\s+0\.750\s+0\.750\s+<- best \(now\)/);
    expect(human.stdout).toMatch(/Keep 0\.75: no other weight measurably helps/);

    fs.appendFileSync(path.join(root, 'ct.yml'), '\nsearch:\n  lexical_weight: 0.4\n');
    const search = await runCli(['search', 'database is locked', '--store', root, '--json'], { cwd: root });
    expect(search.code, search.stderr).toBe(0);
    const first = parseJson<{ results: { id: string; why: { lexical_weight: number; code_share: number } }[] }>(search)
      .results[0];
    expect(first?.id).toBe(IDS.locked);
    // The store's weight, lowered by the trace's share of code (CODE_LEXICAL_SHIFT x code_share).
    expect(first?.why.code_share).toBeGreaterThan(0);
    expect(first?.why.lexical_weight).toBeCloseTo(0.4 - CODE_LEXICAL_SHIFT * (first?.why.code_share ?? 0), 2);
    const again = parseJson<EvalReport>(await runCli(['eval', '--fit', '--json'], { cwd: root }));
    expect(again.fit?.current).toBe(0.4);

    fs.writeFileSync(
      path.join(root, 'ct.yml'),
      fs.readFileSync(path.join(root, 'ct.yml'), 'utf8').replace('lexical_weight: 0.4', 'lexical_weight: 1.5'),
    );
    const bad = await runCli(['search', 'database is locked', '--store', root], { cwd: root });
    expect(bad.code).not.toBe(0);
    expect(flat(bad.stderr)).toMatch(/search\.lexical_weight/);
  });

  it('searches a query as if the traces it excludes were absent (a duplicate report taken from the store)', async () => {
    const root = await storeWithQueries();
    const file = path.join(root, 'eval/queries.yml');
    const query = '- query: "sqlite3.OperationalError: database is locked"';
    fs.writeFileSync(file, `${query}\n  relevant: [${IDS.compose}]\n`);
    const plain = parseJson<EvalReport>(await runCli(['eval', '--json'], { cwd: root }));
    // The trace the query names comes first; the other OperationalError trace second.
    expect(plain.per_query[0]?.top.slice(0, 2)).toEqual([IDS.locked, IDS.compose]);
    expect(plain.per_query[0]?.rank).toBe(2);
    fs.writeFileSync(file, `${query}\n  relevant: [${IDS.compose}]\n  exclude: [${IDS.locked}]\n`);
    const excluded = parseJson<EvalReport>(await runCli(['eval', '--fit', '--json'], { cwd: root }));
    expect(excluded.per_query[0]?.rank).toBe(1);
    expect(excluded.per_query[0]?.top).not.toContain(IDS.locked);
    expect(excluded.fit?.weights.every((w) => w.recall_at_10 === 1)).toBe(true);

    fs.writeFileSync(file, `${query}\n  relevant: [${IDS.locked}]\n  exclude: ${IDS.locked}\n`);
    const both = await runCli(['eval'], { cwd: root });
    expect(both.code).toBe(5);
    expect(flat(both.stderr)).toMatch(/queries\.yml:1: 01KC000000000000000000000B is both relevant and excluded/);
    fs.writeFileSync(file, `${query}\n  relevant: [${IDS.compose}]\n  exclude: [01KC00000000000000000000ZZ]\n`);
    const unknown = await runCli(['eval'], { cwd: root });
    expect(unknown.code).toBe(5);
    expect(flat(unknown.stderr)).toMatch(/queries\.yml:1: unknown trace id 01KC00000000000000000000ZZ/);
  });

  it('rejects malformed entries and unknown ids with errors naming the line', async () => {
    const root = await storeWithQueries();
    const file = path.join(root, 'eval/queries.yml');
    fs.writeFileSync(
      file,
      [
        '- query: database is locked',
        `  relevant: [${IDS.locked}]`,
        '- query: ""',
        `  relevant: [${IDS.esm}]`,
        '- query: no ids here',
        '- query: a typo in an id',
        '  relevant: [01KC00000000000000000000ZZ]',
        '- query: an extra field',
        `  relevant: [${IDS.esm}]`,
        '  answer: yes',
        '',
      ].join('\n'),
    );
    const result = await runCli(['eval', '--json'], { cwd: root });
    expect(result.code).toBe(5);
    const { error } = parseJson<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe('eval-queries-invalid');
    expect(error.message).toContain('queries.yml:3: query must be a non-empty string');
    expect(error.message).toContain('queries.yml:5: relevant is missing');
    expect(error.message).toContain('queries.yml:10: unknown field "answer"');

    // Well-formed, but an id no trace has: named with its line too.
    fs.writeFileSync(file, `- query: database is locked\n  relevant: [${IDS.locked}, 01KC00000000000000000000ZZ]\n`);
    const unknown = await runCli(['eval'], { cwd: root });
    expect(unknown.code).toBe(5);
    expect(flat(unknown.stderr)).toMatch(/queries\.yml:1: unknown trace id 01KC00000000000000000000ZZ/);

    fs.writeFileSync(file, 'query: not a list\n');
    const notList = await runCli(['eval'], { cwd: root });
    expect(notList.code).toBe(5);
    expect(flat(notList.stderr)).toMatch(/queries\.yml:1: expected a list/);

    fs.writeFileSync(file, '- query: [unclosed\n');
    const yaml = await runCli(['eval'], { cwd: root });
    expect(yaml.code).toBe(5);
    expect(flat(yaml.stderr)).toMatch(/queries\.yml:\d+: not valid YAML/);

    fs.rmSync(file);
    const missing = await runCli(['eval'], { cwd: root });
    expect(missing.code).toBe(4);
    expect(flat(missing.stderr)).toMatch(/eval\/queries\.yml does not exist/);
  });
});
