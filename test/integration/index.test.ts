import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, USE_LITE_STATIC_MODEL } from '../../src/embed/embedder.js';
import { updateIndex } from '../../src/index/build.js';
import { isIndexFresh } from '../../src/index/fresh.js';
import { forgetFreshness } from '../../src/index/ready.js';
import { readIndexState } from '../../src/index/state.js';
import { getPackageRoot } from '../../src/paths.js';
import { searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { commitAll, git, makeStore, writeFile } from '../helpers/git.js';
import { commitAs, flagFile, person, voteFile } from '../helpers/people.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

const ID = (n: number) => `01KB${String(n).padStart(21, '0')}A`;

function addTrace(root: string, n: number, title: string, body?: string, tags = '[testing, demo]'): string {
  const file = `traces/testing/t${n}.md`;
  writeFile(root, file, traceText({ id: ID(n), title, tags, ...(body ? { body } : {}) }));
  return file;
}

const body = (context: string, solution: string) => `## Context\n${context}\n\n## Solution\n${solution}\n`;

async function storeWith(count: number) {
  const root = await makeStore('idx');
  for (let i = 1; i <= count; i++)
    addTrace(
      root,
      i,
      `Demo trace number ${i} about widget ${i} failures`,
      body(`widget${i} fails with error code E${i}`, `restart widget${i}`),
    );
  commitAll(root, 'traces');
  return { root, store: await openStore(root, 'flag') };
}

describe('isIndexFresh', () => {
  it('says stale for any change under traces/, votes/ or flags/ (a new folder, a rename, a name with spaces), fresh for others', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const fresh = () => isIndexFresh(root, DEFAULT_MODEL);
    expect(await fresh()).toBe(true);

    writeFile(root, 'README.md', 'edited\n');
    writeFile(root, 'notes/draft.md', 'untracked, outside the indexed folders\n');
    expect(await fresh()).toBe(true);

    // git lists a new untracked folder as the folder alone.
    writeFile(root, 'traces/new-tag/deep/x.md', 'not even a trace yet\n');
    expect(await fresh()).toBe(false);
    fs.rmSync(path.join(root, 'traces/new-tag'), { recursive: true });
    expect(await fresh()).toBe(true);

    git(root, 'mv', 'traces/testing/t1.md', 'traces/testing/renamed t1.md');
    expect(await fresh()).toBe(false);
    git(root, 'mv', 'traces/testing/renamed t1.md', 'traces/testing/t1.md');
    expect(await fresh()).toBe(true);

    writeFile(root, 'votes/x/y.yml', 'vote: up\n');
    expect(await fresh()).toBe(false);
    fs.rmSync(path.join(root, 'votes/x'), { recursive: true });

    // A commit that touched only other files still moves HEAD away from the indexed commit.
    commitAll(root, 'readme');
    expect(await fresh()).toBe(false);
    await updateIndex(store);
    expect(await fresh()).toBe(true);
  });

  it('stays fresh with uncommitted traces the index already holds, and goes stale when they change again', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const fresh = () => isIndexFresh(root, DEFAULT_MODEL);
    // A trace written and not yet contributed, an edited one and a local vote, all indexed.
    addTrace(root, 3, 'A new trace about gadget failures, not committed yet');
    addTrace(root, 1, 'Demo trace number 1, edited here');
    writeFile(root, `votes/${ID(2)}/me.yml`, 'vote: up\n');
    expect(await fresh()).toBe(false);
    expect(await updateIndex(store)).toMatchObject({ traces: 3, embedded: 2 });
    expect(await fresh()).toBe(true);
    // A search now answers from the index as it is: the no-change update does no work.
    expect(await updateIndex(store)).toMatchObject({ full: false, embedded: 0, removed: 0 });

    addTrace(root, 3, 'A new trace about gadget failures, edited again');
    expect(await fresh()).toBe(false);
    expect(await updateIndex(store)).toMatchObject({ traces: 3, embedded: 1 });
    expect(await fresh()).toBe(true);

    fs.rmSync(path.join(root, 'traces/testing/t2.md'));
    expect(await fresh()).toBe(false);
    expect(await updateIndex(store)).toMatchObject({ traces: 2, removed: 1 });
    expect(await fresh()).toBe(true);

    // Committing what was uncommitted moves HEAD: stale until the next update.
    commitAll(root, 'contribute');
    expect(await fresh()).toBe(false);
    await updateIndex(store);
    expect(await fresh()).toBe(true);
    expect((await readIndexState(root))?.dirty).toEqual({});
  });
});

describe('updateIndex', () => {
  it('embeds only new or changed blobs, committed or not, and removes deleted traces', async () => {
    const { root, store } = await storeWith(3);
    const first = await updateIndex(store);
    expect(first).toMatchObject({ full: true, reason: 'no index yet', traces: 3, embedded: 3, removed: 0 });
    expect(await updateIndex(store)).toMatchObject({ full: false, traces: 3, embedded: 0, reused: 0, removed: 0 });

    addTrace(
      root,
      2,
      'Demo trace number 2 about widget 2 failures, amended',
      body('widget2 fails with E2 on arm64', 'upgrade widget2'),
    );
    commitAll(root, 'amend');
    expect(await updateIndex(store)).toMatchObject({ traces: 3, embedded: 1, removed: 0 });

    addTrace(root, 4, 'Uncommitted trace about gizmo overheating', body('gizmo overheats', 'cool the gizmo'));
    expect(await updateIndex(store)).toMatchObject({ traces: 4, embedded: 1 });
    expect((await searchStores([store], { query: 'gizmo overheating' })).results[0]?.id).toBe(ID(4));

    fs.rmSync(path.join(root, 'traces/testing/t1.md'));
    expect(await updateIndex(store)).toMatchObject({ traces: 3, embedded: 0, removed: 1 });
    expect((await searchStores([store], { query: 'widget1 E1' })).results.map((r) => r.id)).not.toContain(ID(1));

    git(root, 'mv', 'traces/testing/t3.md', 'traces/testing/renamed.md');
    const renamed = await updateIndex(store);
    expect(renamed).toMatchObject({ traces: 3, embedded: 0, reused: 1, removed: 0 });
    expect((await searchStores([store], { query: 'widget3 E3' })).results[0]).toMatchObject({
      id: ID(3),
      path: 'traces/testing/renamed.md',
    });
  });

  it('after a commit of votes only, compares the traces/ tree instead of every blob and still counts the votes', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const before = await readIndexState(root);
    expect(before?.traces_tree).toBe(git(root, 'rev-parse', 'HEAD:traces').trim());
    const voter = person('Voter');
    commitAs(voter, root, { [voteFile(ID(1), voter)]: 'vote: up\nat: 2026-11-21T10:00:00Z\n' });
    expect(await updateIndex(store)).toMatchObject({ full: false, traces: 2, embedded: 0, removed: 0 });
    const after = await readIndexState(root);
    expect(after?.commit).toBe(git(root, 'rev-parse', 'HEAD').trim());
    expect(after?.table).toBe(before?.table);
    const hit = (await searchStores([store], { query: 'widget1 E1' })).results.find((r) => r.id === ID(1));
    expect(hit?.trust.up).toBe(1);
  });

  it('skips invalid traces and duplicate ids with a warning, and never breaks the index', async () => {
    const { root, store } = await storeWith(2);
    writeFile(root, 'traces/testing/broken.md', '---\nid: nope\n---\nno sections');
    writeFile(
      root,
      'traces/testing/dupe.md',
      traceText({ id: ID(1), title: 'A second trace claiming the id of the first' }),
    );
    const logs: string[] = [];
    const report = await updateIndex(store, { log: (m) => logs.push(m) });
    expect(report.traces).toBe(2);
    expect(report.skipped.map((s) => s.file).sort()).toEqual(['traces/testing/broken.md', 'traces/testing/dupe.md']);
    expect(logs.join('\n')).toMatch(/skipped traces\/testing\/broken\.md: trace\/invalid-id/);
    expect(logs.join('\n')).toMatch(/duplicate-id/);
  });

  it('reuses vectors on a full rebuild and rebuilds with a message when the model changes', async () => {
    const { root, store } = await storeWith(3);
    await updateIndex(store);
    expect(await updateIndex(store, { full: true })).toMatchObject({ full: true, embedded: 0, reused: 3, traces: 3 });
    fs.appendFileSync(path.join(root, 'ct.yml'), '\nembedding:\n  model: use-lite\n');
    const reopened = await openStore(root, 'flag');
    const logs: string[] = [];
    const report = await updateIndex(reopened, { log: (m) => logs.push(m) });
    expect(report).toMatchObject({ full: true, model: 'use-lite', embedded: 3, reused: 0 });
    expect(logs.join('\n')).toContain(`embedding model changed (${DEFAULT_MODEL} -> use-lite)`);
    expect((await readIndexState(root))?.dim).toBe(512);
    expect((await searchStores([reopened], { query: 'widget2 error code E2' })).results[0]?.id).toBe(ID(2));
  });

  it('rebuilds an index made with the previous default model under the current one', async () => {
    const { root, store } = await storeWith(3);
    const config = fs.readFileSync(path.join(root, 'ct.yml'), 'utf8');
    fs.appendFileSync(path.join(root, 'ct.yml'), `\nembedding:\n  model: ${USE_LITE_STATIC_MODEL}\n`);
    expect(await updateIndex(await openStore(root, 'flag'))).toMatchObject({
      model: USE_LITE_STATIC_MODEL,
      embedded: 3,
    });
    fs.writeFileSync(path.join(root, 'ct.yml'), config);
    const logs: string[] = [];
    const report = await updateIndex(await openStore(root, 'flag'), { log: (m) => logs.push(m) });
    expect(report).toMatchObject({ full: true, model: DEFAULT_MODEL, embedded: 3, reused: 0 });
    expect(logs.join('\n')).toContain(`embedding model changed (${USE_LITE_STATIC_MODEL} -> ${DEFAULT_MODEL})`);
    expect(await readIndexState(root)).toMatchObject({ model: DEFAULT_MODEL, traces: 3 });
    expect((await searchStores([store], { query: 'widget2 error code E2' })).results[0]?.id).toBe(ID(2));
  });

  it('rebuilds a missing table or an unreadable state file', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const state = await readIndexState(root);
    fs.rmSync(path.join(root, '.ct/index', `${state?.table}.lance`), { recursive: true });
    expect(await updateIndex(store)).toMatchObject({
      full: true,
      reason: `index table ${state?.table} is missing`,
      traces: 2,
    });
    fs.writeFileSync(path.join(root, '.ct/index/state.json'), '{ not json');
    expect(await updateIndex(store)).toMatchObject({ full: true, reason: 'no index yet', traces: 2 });
    expect((await searchStores([store], { query: 'widget1' })).results[0]?.id).toBe(ID(1));
  });

  it('search rebuilds an index whose data files are damaged', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const state = await readIndexState(root);
    const dataDir = path.join(root, '.ct/index', `${state?.table}.lance`, 'data');
    for (const file of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, file));
    const logs: string[] = [];
    const response = await searchStores([store], { query: 'widget2 E2' }, { log: (m) => logs.push(m) });
    expect(response.results[0]?.id).toBe(ID(2));
    expect(response.stores[0]?.updated).toBe(true);
    expect(logs.join('\n')).toMatch(/cannot be queried .*rebuilding it/);
  });

  it('builds an approximate vector index above the threshold and keeps searching well', async () => {
    const previous = process.env.CT_ANN_THRESHOLD;
    const previousTmp = process.env.TMPDIR;
    process.env.CT_ANN_THRESHOLD = '300';
    try {
      const { store } = await storeWith(320);
      // LanceDB 0.31 leaves each IVF build's shuffle folder in TMPDIR (lance-format/lance#8992):
      // the build runs with a temp folder of its own, removed after it.
      const tmp = tempDir('ct-ann-tmp-');
      const orphan = path.join(tmp, 'commontrace-lance-999999999-x');
      fs.mkdirSync(path.join(orphan, '.tmpAbCdEf'), { recursive: true });
      process.env.TMPDIR = tmp;
      const logs: string[] = [];
      await updateIndex(store, { log: (m) => logs.push(m) });
      process.env.TMPDIR = previousTmp ?? os.tmpdir();
      expect(logs.join('\n')).toMatch(/approximate vector index/);
      expect((await readIndexState(store.root))?.ann).toBe(true);
      // Nothing left: no shuffle folder, no scratch folder, and a dead process's scratch folder is gone.
      expect(fs.readdirSync(tmp)).toEqual([]);
      expect((await searchStores([store], { query: 'widget217 fails with error code E217' })).results[0]?.id).toBe(
        ID(217),
      );
      addTrace(
        store.root,
        321,
        'A trace added after the vector index about sprocket jams',
        body('sprocket jams at speed', 'oil the sprocket'),
      );
      commitAll(store.root, 'one more');
      expect(await updateIndex(store)).toMatchObject({ traces: 321, embedded: 1 });
      expect((await searchStores([store], { query: 'sprocket jams' })).results[0]?.id).toBe(ID(321));
    } finally {
      if (previous === undefined) delete process.env.CT_ANN_THRESHOLD;
      else process.env.CT_ANN_THRESHOLD = previous;
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
    }
  });

  it('keeps the replaced table through a full rebuild: a reader that read the old state still finds its traces', async () => {
    const root = await makeStore('rebuild-race');
    addTrace(root, 1, 'Widget 1 fails after the upgrade with error E1');
    const store = await openStore(root, 'flag');
    await updateIndex(store);
    const before = await readIndexState(root);
    await updateIndex(store, { full: true });
    const after = await readIndexState(root);
    expect(after?.table).not.toBe(before?.table);
    // The reader that read `before` opens its table after the switch.
    const lancedb = await import('@lancedb/lancedb');
    const db = await lancedb.connect(path.join(root, '.ct', 'index'));
    expect(await (await db.openTable(before?.table as string)).countRows()).toBe(1);
    // The rebuild after that drops it; the current and the one it replaced stay.
    await updateIndex(store, { full: true });
    const tables = await db.tableNames();
    expect(tables).not.toContain(before?.table);
    expect(tables).toContain(after?.table);
  });

  it('drops the half-written table of a full build that was killed, at the next update', async () => {
    const { root, store } = await storeWith(2);
    await updateIndex(store);
    const replaced = (await readIndexState(root))?.table as string;
    await updateIndex(store, { full: true });
    const current = (await readIndexState(root))?.table as string;
    // A full build killed after writing rows: its table is newer than the state's, never switched to.
    const lancedb = await import('@lancedb/lancedb');
    const db = await lancedb.connect(path.join(root, '.ct', 'index'));
    const abandoned = `traces-${(Date.now() + 60_000).toString(36)}`;
    const dir = path.join(root, '.ct', 'index');
    fs.cpSync(path.join(dir, `${current}.lance`), path.join(dir, `${abandoned}.lance`), { recursive: true });
    expect(await db.tableNames()).toContain(abandoned);
    addTrace(root, 3, 'Demo trace number 3 about widget 3 failures', body('widget3 fails', 'restart widget3'));
    commitAll(root, 'one more');
    const log: string[] = [];
    expect(await updateIndex(store, { log: (m) => log.push(m) })).toMatchObject({ full: false, embedded: 1 });
    const tables = await db.tableNames();
    expect(tables).not.toContain(abandoned);
    // The current table and the one it replaced (a reader may still have it open) stay.
    expect(tables).toEqual(expect.arrayContaining([current, replaced]));
    expect(log.join('\n')).toContain(`Removed ${abandoned}`);
  });

  it('serialises concurrent updates with a lock', async () => {
    const { root, store } = await storeWith(5);
    const results = await Promise.all([updateIndex(store), updateIndex(store), updateIndex(store)]);
    expect(results.map((r) => r.traces)).toEqual([5, 5, 5]);
    expect(results.reduce((sum, r) => sum + r.embedded, 0)).toBe(5);
    expect(fs.existsSync(path.join(root, '.ct/index.lock'))).toBe(false);
  });

  it('takes over the lock of a process that died', async () => {
    const { root, store } = await storeWith(1);
    fs.mkdirSync(path.join(root, '.ct/index.lock'), { recursive: true });
    fs.writeFileSync(path.join(root, '.ct/index.lock.owner'), `${(await import('node:os')).hostname()} 999999\n`);
    // Taken over at once: a wait for the lock (up to its 15 s staleness) would say so first.
    const log: string[] = [];
    expect(await updateIndex(store, { log: (m) => log.push(m) })).toMatchObject({ traces: 1 });
    expect(log.filter((m) => /Waiting for another ct process/.test(m))).toEqual([]);
  });

  it('takes over at once the lock of a process whose pid now belongs to another process', async () => {
    const { root, store } = await storeWith(1);
    fs.mkdirSync(path.join(root, '.ct/index.lock'), { recursive: true });
    // This test's own pid, alive, but with a start time that is not its own: the owner was another process.
    fs.writeFileSync(path.join(root, '.ct/index.lock.owner'), `${os.hostname()} ${process.pid} 1\n`);
    const log: string[] = [];
    expect(await updateIndex(store, { log: (m) => log.push(m) })).toMatchObject({ traces: 1 });
    expect(log.filter((m) => /Waiting for another ct process/.test(m))).toEqual([]);
  });

  it('leaves no lock and no owner file when the holder exits, and takes over from one that was killed', async () => {
    const { root, store } = await storeWith(1);
    const lockModule = path.join(getPackageRoot(), 'dist', 'src', 'index', 'lock.js');
    const holder = (then: string) =>
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { withIndexLock } = await import(${JSON.stringify(lockModule)});
           await withIndexLock(${JSON.stringify(root)}, async () => { console.log('locked'); ${then} });`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
    const locked = (child: ReturnType<typeof holder>) =>
      new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.includes('locked') && resolve()));
    const exited = (child: ReturnType<typeof holder>) => new Promise((resolve) => child.on('exit', resolve));

    // process.exit() inside the locked work (the SessionStart hook leaves that way when out of time).
    const quitter = holder('process.exit(0);');
    await exited(quitter);
    expect(fs.existsSync(path.join(root, '.ct/index.lock'))).toBe(false);
    expect(fs.existsSync(path.join(root, '.ct/index.lock.owner'))).toBe(false);

    // SIGKILL: nothing runs on exit, the lock and its owner stay; the next writer takes over without waiting.
    const victim = holder('await new Promise((r) => setTimeout(r, 60_000));');
    await locked(victim);
    victim.kill('SIGKILL');
    await exited(victim);
    expect(fs.existsSync(path.join(root, '.ct/index.lock.owner'))).toBe(true);
    const log: string[] = [];
    const started = Date.now();
    expect(await updateIndex(store, { log: (m) => log.push(m) })).toMatchObject({ traces: 1 });
    expect(log.filter((m) => /Waiting for another ct process/.test(m))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fs.existsSync(path.join(root, '.ct/index.lock.owner'))).toBe(false);
  });
});

describe('a full build in a build process', () => {
  it('runs there past CT_INDEX_PROCESS_MIN files, relays progress, and brings back its report or its error', async () => {
    const saved = process.env.CT_INDEX_PROCESS_MIN;
    process.env.CT_INDEX_PROCESS_MIN = '0';
    try {
      const { root, store } = await storeWith(3);
      const phases = new Set<string>();
      const report = await updateIndex(store, { onProgress: (p) => phases.add(p.phase) });
      expect(report).toMatchObject({ full: true, reason: 'no index yet', traces: 3, embedded: 3 });
      expect(report.process?.pid).toBeGreaterThan(0);
      expect(report.process?.pid).not.toBe(process.pid);
      expect(report.process?.peak_rss_mb).toBeGreaterThan(0);
      expect([...phases]).toEqual(expect.arrayContaining(['scan', 'embed', 'text-index', 'signals']));
      expect((await searchStores([store], { query: 'widget2 error code E2' })).results[0]?.id).toBe(ID(2));

      // An incremental update stays in this process.
      addTrace(root, 4, 'Gizmo overheating after a firmware update', body('gizmo overheats', 'cool the gizmo'));
      const update = await updateIndex(store);
      expect(update).toMatchObject({ full: false, traces: 4, embedded: 1 });
      expect(update.process).toBeUndefined();

      // An error raised in the build process arrives with its code and hint.
      const linked = await makeStore('linked-ct');
      addTrace(linked, 1, 'A trace in a store whose .ct is a link');
      fs.symlinkSync(tempDir('ct-outside-'), path.join(linked, '.ct'));
      await expect(updateIndex(await openStore(linked, 'flag'), { full: true })).rejects.toMatchObject({
        code: 'store-symlink',
      });
    } finally {
      if (saved === undefined) delete process.env.CT_INDEX_PROCESS_MIN;
      else process.env.CT_INDEX_PROCESS_MIN = saved;
    }
  });
});

describe('readIndex in a long-running server', () => {
  it("with revalidate: 'background' answers from the index as it is while one check updates it, and a write forgets the checks", async () => {
    const { root, store } = await storeWith(2);
    const server = { freshnessTtlMs: 0, revalidate: 'background' as const };
    const ids = async () =>
      (await searchStores([store], { query: 'gizmo overheating widget' }, server)).results.map((r) => r.id);
    // The first search checks (and builds) before answering.
    expect(await ids()).toEqual(expect.arrayContaining([ID(1), ID(2)]));

    addTrace(root, 3, 'Gizmo overheating in the lab', body('gizmo overheats', 'cool the gizmo'));
    commitAll(root, 'gizmo');
    // Answered from the index as it was; the update runs beside it and lands within seconds.
    expect(await ids()).not.toContain(ID(3));
    // The new row shows in results as soon as it is written; the state file follows once the
    // update is over (after its index and trust work), so wait for both.
    const deadline = Date.now() + 30_000;
    let seen: string[] = [];
    const landed = async () => (seen = await ids()).includes(ID(3)) && (await readIndexState(root))?.traces === 3;
    while (Date.now() < deadline && !(await landed())) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen[0]).toBe(ID(3));
    expect((await readIndexState(root))?.traces).toBe(3);

    // After forgetFreshness (what the MCP write tools call), the next search checks first.
    addTrace(root, 4, 'Gizmo overheating again, in the field', body('gizmo overheats outside', 'shade the gizmo'));
    commitAll(root, 'gizmo 2');
    forgetFreshness();
    expect(await ids()).toContain(ID(4));
  });
});

describe('searchStore', () => {
  it('answers an empty store with no results', async () => {
    const root = await makeStore('empty');
    const response = await searchStores([await openStore(root, 'flag')], { query: 'anything at all' });
    expect(response).toMatchObject({ results: [], stores: [{ traces: 0 }] });
  });

  it('filters by tags (all must match), explains every factor, and ranks disputed traces down without hiding them', async () => {
    const root = await makeStore('rank');
    addTrace(
      root,
      1,
      'Redis connection refused inside docker compose network',
      body('redis connection refused at localhost:6379', 'use the service name redis:6379'),
      '[redis, docker-compose]',
    );
    addTrace(
      root,
      2,
      'Redis connection refused when the server is not running',
      body('redis connection refused on a laptop', 'start redis-server'),
      '[redis, linux]',
    );
    commitAll(root);
    const store = await openStore(root, 'flag');
    const all = await searchStores([store], { query: 'redis connection refused' });
    expect(all.results.map((r) => r.id).sort()).toEqual([ID(1), ID(2)]);
    const top = all.results[0];
    expect(top?.why.lexical?.rank).toBe(1);
    expect(top?.why.matched_terms).toEqual(expect.arrayContaining(['connection', 'redis', 'refused']));
    expect(top?.why.relevance).toBeGreaterThan(0);

    const filtered = await searchStores([store], { query: 'redis connection refused', tags: ['redis', 'compose'] });
    expect(filtered.tags).toEqual(['redis', 'docker-compose']);
    expect(filtered.results.map((r) => r.id)).toEqual([ID(1)]);

    const firstId = top?.id as string;
    const scoreBefore = top?.score as number;
    const flagger = person('Flagger');
    commitAs(flagger, root, { [flagFile(firstId, flagger)]: 'reason: wrong\nnote: does not work\nat: 2026-11-21\n' });
    // A vote counts when it is committed by the voter its file is named after.
    for (const voter of [person('Voter1'), person('Voter2')])
      commitAs(voter, root, { [voteFile(firstId === ID(1) ? ID(2) : ID(1), voter)]: 'vote: up\nat: 2026-11-21\n' });
    const after = await searchStores([store], { query: 'redis connection refused' });
    expect(after.stores[0]?.updated).toBe(true);
    const flagged = after.results.find((r) => r.id === firstId);
    expect(flagged?.trust).toMatchObject({ disputed: true, flags: 1 });
    expect(flagged?.why.adjustments).toEqual(
      expect.arrayContaining([expect.objectContaining({ factor: 'disputed', delta: -0.15 })]),
    );
    expect(flagged?.score).toBeCloseTo(scoreBefore - 0.15, 3);
    const voted = after.results.find((r) => r.id !== firstId);
    expect(voted?.trust).toMatchObject({ up: 2, validated: true });
    expect(voted?.why.adjustments.map((a) => a.factor)).toEqual(['validated', 'trust']);
  });

  it('fits results into a token budget: whole traces first, then snippets', async () => {
    const root = await makeStore('budget');
    for (let i = 1; i <= 6; i++)
      addTrace(
        root,
        i,
        `Widget ${i} failures after the upgrade`,
        body(`widget${i} fails`, `restart widget${i}. ${'Then check the logs carefully. '.repeat(60)}`),
      );
    commitAll(root);
    const store = await openStore(root, 'flag');
    const response = await searchStores([store], { query: 'widget failures', limit: 6, budget: 1500 });
    expect(response.budget?.used).toBeLessThanOrEqual(1500);
    expect(response.results.length + (response.budget?.omitted ?? 0)).toBe(6);
    expect(response.results[0]?.detail).toBe('full');
    expect(response.results[0]?.solution).toMatch(/restart widget/);
    expect(response.results.some((r) => r.detail === 'snippet')).toBe(true);
  });

  it('rejects an empty or oversized query with a usage error', async () => {
    const { store } = await storeWith(1);
    await expect(searchStores([store], { query: '   ' })).rejects.toThrow(/query is empty/);
    await expect(searchStores([store], { query: 'x'.repeat(2000) })).rejects.toThrow(/at most 1,000/);
  });
});
