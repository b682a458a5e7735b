import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../src/search/schema.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { commitAll, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

type Response = SearchResponse;

const home = () => ({ CT_HOME: path.join(tempDir('ct-home-'), 'ct') });
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');

describe('ct search on the built-in seeds store', () => {
  const env = home();
  const cwd = tempDir();

  it('answers out of the box, creating and indexing the seeds store on first use', async () => {
    const result = await runCli(['search', 'react useEffect runs twice', '--json'], { env, cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Creating the built-in seeds store/);
    const response = parseJson<Response>(result);
    expect(response.stores[0]?.traces).toBeGreaterThanOrEqual(200);
    expect(response.results[0]?.title).toMatch(/useEffect runs twice/i);
    const human = await runCli(['search', 'react', 'useEffect', 'runs', 'twice', '--limit', '2'], { env, cwd });
    expect(human.stdout).toMatch(/^1\. React useEffect runs twice/m);
    expect(human.stdout).toMatch(/why: matched: .*useeffect/);
    expect(human.stdout.match(/^\d\. /gm)).toHaveLength(2);
    // CT_STORE names one store, as --store does (oclif gives a repeatable flag's variable as one string).
    const named = parseJson<Response>(
      await runCli(['search', 'react useEffect runs twice', '--json'], { env: { ...env, CT_STORE: 'seeds' }, cwd }),
    );
    expect(named.stores.map((s) => s.name)).toEqual(['seeds']);
    expect(named.results[0]?.title).toMatch(/useEffect runs twice/i);
  });

  it.each([
    ['Error [ERR_REQUIRE_ESM]: require() of ES Module not supported', /ERR_REQUIRE_ESM/],
    ['sqlite3.OperationalError: database is locked', /database is locked/i],
    ['docker compose app starts before postgres is ready', /compose.*(postgres|healthcheck)|healthcheck.*postgres/i],
    ['asyncio.run() cannot be called from a running event loop', /asyncio\.run\(\) cannot be called/],
    ['git push --force-with-lease after rebase', /force-with-lease/i],
    ['pydantic v2 orm_mode renamed from_attributes', /orm_mode/],
  ])('finds the trace for %j in the top 3', async (query, title) => {
    const response = parseJson<Response>(await runCli(['search', query, '--json', '--limit', '3'], { env, cwd }));
    expect(response.results.map((r) => r.title).join('\n')).toMatch(title);
  });

  it('honours --tag, and --budget trims to whole traces then snippets', async () => {
    const tagged = parseJson<Response>(
      await runCli(['search', 'connection refused', '--tag', 'docker', '--tag', 'networking', '--json'], { env, cwd }),
    );
    expect(tagged.results.length).toBeGreaterThan(0);
    const budgeted = parseJson<Response>(
      await runCli(['search', 'postgresql index not used', '--budget', '1500', '--limit', '8', '--json'], { env, cwd }),
    );
    expect(budgeted.budget?.used).toBeLessThanOrEqual(1500);
    expect(budgeted.results[0]?.detail).toBe('full');
    expect(budgeted.results[0]?.context).toBeTruthy();
    const plain = await runCli(['search', 'postgresql index not used', '--limit', '2'], { env, cwd });
    expect(plain.stdout).toMatch(/why:/);
    expect(plain.stdout).not.toMatch(/## Context/);
    const brief = parseJson<Response>(await runCli(['search', 'postgresql index not used', '--json'], { env, cwd }));
    expect(brief.results.every((r) => r.detail === 'snippet' && r.context === undefined)).toBe(true);
    const none = await runCli(['search', 'zzqxv wibblefrotz', '--json'], { env, cwd });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/no traces match/);
  });
});

describe('ct sync and ct index on a real remote', () => {
  it('pulls a new trace from the remote and embeds only it', async () => {
    const env = home();
    const origin = await makeStore('origin');
    writeFile(origin, 'traces/testing/a.md', traceText({ tags: '[testing]' }));
    commitAll(origin);
    const bare = makeBareRemote(origin);
    expect((await runCli(['store', 'add', 'team', `file://${bare}`], { env })).code).toBe(0);
    const first = parseJson<{ stores: { index: { traces: number; embedded: number } }[] }>(
      await runCli(['sync', '--json'], { env }),
    );
    expect(first.stores[0]?.index).toMatchObject({ traces: 1, embedded: 1 });

    writeFile(
      origin,
      'traces/testing/b.md',
      traceText({
        id: '01KB000000000000000000000B',
        title: 'Flaky test fails only on Mondays because of the week number',
        tags: '[testing]',
      }),
    );
    commitAll(origin, 'add b');
    git(origin, 'push', '--quiet', 'origin', 'main');
    const second = await runCli(['sync', '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    const report = parseJson<{
      stores: { pull: { outcome: string; changed: string[] }; index: { traces: number; embedded: number } }[];
    }>(second);
    expect(report.stores[0]?.pull).toMatchObject({ outcome: 'pulled', changed: ['traces/testing/b.md'] });
    expect(report.stores[0]?.index).toMatchObject({ traces: 2, embedded: 1 });
    const found = parseJson<Response>(
      await runCli(['search', 'flaky on mondays', '--store', 'team', '--json'], { env, cwd: tempDir() }),
    );
    expect(found.results[0]?.path).toBe('traces/testing/b.md');
  });

  it('survives a killed ct index: readers keep working and the next run repairs the index', async () => {
    const env = home();
    const root = await makeStore('crash');
    for (let i = 0; i < 600; i++)
      writeFile(
        root,
        `traces/testing/t${i}.md`,
        traceText({
          id: `01KC${String(i).padStart(21, '0')}A`,
          title: `Generated trace ${i} about component ${i} crashing on start`,
          tags: '[testing]',
        }),
      );
    commitAll(root);
    expect((await runCli(['index', '--store', root], { env })).code).toBe(0);
    for (let i = 600; i < 1200; i++)
      writeFile(
        root,
        `traces/testing/t${i}.md`,
        traceText({
          id: `01KC${String(i).padStart(21, '0')}A`,
          title: `Generated trace ${i} about component ${i} crashing on start`,
          tags: '[testing]',
        }),
      );
    commitAll(root, 'more');

    const child = spawn(process.execPath, [BIN, 'index', '--store', root], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    // Listen before the wait: a run that finishes within it has closed already, and a listener
    // added afterwards would never hear it (the test then hung until its timeout).
    const closed = new Promise((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGKILL');
    await closed;

    const read = await runCli(['search', 'component 42 crashing', '--store', root, '--json'], { env });
    expect(read.code, read.stderr).toBe(0);
    expect(parseJson<Response>(read).results.length).toBeGreaterThan(0);
    const repaired = parseJson<{ traces: number }>(await runCli(['index', '--store', root, '--json'], { env }));
    expect(repaired.traces).toBe(1200);
    const found = parseJson<Response>(
      await runCli(['search', 'component 1111 crashing', '--store', root, '--json'], { env }),
    );
    expect(found.results[0]?.path).toBe('traces/testing/t1111.md');
  });
});
