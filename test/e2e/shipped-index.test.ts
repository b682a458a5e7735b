import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateIndex } from '../../src/index/build.js';
import { installShippedIndex } from '../../src/index/shipped.js';
import { readIndexState } from '../../src/index/state.js';
import { openStore } from '../../src/store/store.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { cloneOf, commitAll, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

/**
 * The shipped index end to end: a store whose ct.yml asks for it, a bare remote, the export run
 * as the store's CI runs it (a fresh clone, `ct index --export --sign-key ... --push`), and fresh
 * clones of users whose first `ct search` installs the verified pack and embeds nothing. Then one
 * published index per refusal, each making a fresh clone fall back to a local build.
 */

const TRACES = 24;
const idOf = (i: number) => `01JDQ5Z8X4N2K7M3P9R6T1V${String(i).padStart(3, '0')}`;
const TOPICS = ['postgresql', 'docker', 'nginx', 'redis', 'kubernetes', 'python'];

function sshKey(comment: string): { key: string; pub: string } {
  const key = path.join(tempDir('ct-key-'), 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', key], { stdio: 'ignore' });
  return { key, pub: fs.readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

interface Published {
  bare: string;
  ci: string;
}

let store: string;
let ciKey: { key: string; pub: string };
let published: Published;

/** A fresh user clone of `bare` (its own data dir) and the JSON of its first search. */
async function firstSearch(bare: string, name: string, env: Record<string, string> = {}) {
  const clone = cloneOf(bare, name);
  const result = await runCli(['search', 'postgresql connection refused', '--json'], {
    cwd: clone,
    env: { CT_HOME: tempDir('ct-home-'), ...env },
  });
  expect(result.code, result.stderr).toBe(0);
  const json = parseJson<{
    stores: { embedded?: number; index_source?: string; traces: number }[];
    results: unknown[];
  }>(result);
  return { clone, json, stderr: result.stderr };
}

/** Runs the CI export in a fresh clone of `bare`, as the store template's workflow does. */
async function ciExport(bare: string, key: string): Promise<string> {
  const ci = cloneOf(bare, 'ci');
  const result = await runCli(['index', '--export', '--sign-key', key, '--push', '--json'], { cwd: ci });
  expect(result.code, result.stderr).toBe(0);
  return ci;
}

/** The largest file of the shipped table (its rows): what a tamper test changes. */
function dataFile(work: string): string {
  const listing = git(work, 'ls-tree', '-r', '-l', 'refs/ct/index', '--', 'table/data/');
  const files = listing
    .trim()
    .split('\n')
    .map((line) => {
      const [meta, file] = line.split('\t') as [string, string];
      return { file, size: Number(meta.trim().split(/\s+/)[3]) };
    })
    .sort((a, b) => b.size - a.size);
  return (files[0] as { file: string }).file;
}

/** A copy of the published remote whose refs/ct/index is rewritten by `change` (git plumbing in a scratch clone). */
async function republish(
  change: (files: { manifest: Record<string, unknown>; data: Buffer; dataPath: string }) => {
    manifest?: Record<string, unknown>;
    data?: Buffer;
    sign?: string | 'keep';
  },
): Promise<string> {
  const bare = path.join(tempDir('ct-remote-'), 'remote.git');
  git(path.dirname(bare), 'clone', '--quiet', '--mirror', published.bare, bare);
  const work = path.join(tempDir('ct-scratch-'), 'w');
  git(path.dirname(work), 'clone', '--quiet', bare, work);
  git(work, 'fetch', '--quiet', 'origin', '+refs/ct/index:refs/ct/index');
  const manifestText = git(work, 'cat-file', 'blob', 'refs/ct/index:manifest.json');
  const dataPath = dataFile(work);
  const data = execFileSync('git', ['cat-file', 'blob', `refs/ct/index:${dataPath}`], { cwd: work });
  const out = change({ manifest: JSON.parse(manifestText) as Record<string, unknown>, data, dataPath });
  const text = out.manifest ? `${JSON.stringify(out.manifest, null, 2)}\n` : manifestText;
  const dir = tempDir('ct-pack-');
  fs.writeFileSync(path.join(dir, 'manifest.json'), text);
  let sig = git(work, 'cat-file', 'blob', 'refs/ct/index:manifest.json.sig');
  if (out.sign && out.sign !== 'keep') {
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', out.sign, '-n', 'ct-index', path.join(dir, 'manifest.json')]);
    sig = fs.readFileSync(path.join(dir, 'manifest.json.sig'), 'utf8');
  }
  const hash = (content: string | Buffer) =>
    execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: work, input: content }).toString().trim();
  // The published tree with the changed files swapped in, through a scratch git index.
  const env = { ...process.env, GIT_INDEX_FILE: path.join(dir, 'index') };
  execFileSync('git', ['read-tree', 'refs/ct/index'], { cwd: work, env });
  const swap = [
    `100644 ${hash(text)}\tmanifest.json`,
    `100644 ${hash(sig)}\tmanifest.json.sig`,
    `100644 ${hash(out.data ?? data)}\t${dataPath}`,
  ];
  execFileSync('git', ['update-index', '--index-info'], { cwd: work, env, input: `${swap.join('\n')}\n` });
  const tree = execFileSync('git', ['write-tree'], { cwd: work, env }).toString().trim();
  const commit = git(work, 'commit-tree', tree, '-m', 'tampered').trim();
  git(work, 'push', '--quiet', '--force', 'origin', `${commit}:refs/ct/index`);
  return bare;
}

beforeAll(async () => {
  store = await makeStore('shipped');
  ciKey = sshKey('ci@example.com');
  fs.appendFileSync(path.join(store, 'allowed_signers'), `ci@example.com namespaces="ct-index" ${ciKey.pub}\n`);
  const config = fs.readFileSync(path.join(store, 'ct.yml'), 'utf8');
  fs.writeFileSync(path.join(store, 'ct.yml'), `${config}\nindex:\n  shipped: true\n`);
  for (let i = 0; i < TRACES; i++) {
    const topic = TOPICS[i % TOPICS.length] as string;
    writeFile(
      store,
      `traces/${topic}/trace-${i}.md`,
      traceText({
        id: idOf(i),
        title: `How to fix ${topic} problem number ${i} in production`,
        tags: `[${topic}]`,
        body: `## Context\n${topic} fails with connection refused number ${i}.\n\n## Solution\nRestart ${topic} with the flag --retry-${i} and check the logs.\n`,
      }),
    );
  }
  commitAll(store, 'Add traces and ship the index');
  const bare = makeBareRemote(store);
  git(store, 'push', '--quiet', 'origin', 'main');
  const ci = await ciExport(bare, ciKey.key);
  published = { bare, ci };
}, 180_000);

describe('a shipped index', () => {
  it('is a signed commit on refs/ct/index: a manifest naming the store commit, model and rows, and the table file by file', async () => {
    const head = git(published.ci, 'rev-parse', 'HEAD').trim();
    const manifest = JSON.parse(git(published.bare, 'cat-file', 'blob', 'refs/ct/index:manifest.json')) as {
      store: { commit: string; tree: string };
      model: { id: string; sha256: string };
      rows: number;
      schema_version: number;
      digest: string;
      ct_version: string;
      files: { path: string; bytes: number; sha256: string }[];
    };
    expect(manifest.store.commit).toBe(head);
    expect(manifest.store.tree).toBe(git(published.ci, 'rev-parse', 'HEAD^{tree}').trim());
    expect(manifest.model.id).toBe('ct-static-v3');
    expect(manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.rows).toBe(TRACES);
    expect(git(published.bare, 'cat-file', 'blob', 'refs/ct/index:manifest.json.sig')).toContain('BEGIN SSH SIGNATURE');
    // The table/ folder holds exactly the files the manifest lists, with the sizes and hashes it gives.
    const shipped = git(published.bare, 'ls-tree', '-r', '--name-only', 'refs/ct/index', '--', 'table/')
      .trim()
      .split('\n')
      .map((f) => f.slice('table/'.length));
    expect(shipped).toEqual(manifest.files.map((f) => f.path));
    expect(shipped.some((f) => f.startsWith('data/'))).toBe(true);
    expect(shipped.some((f) => f.startsWith('_indices/'))).toBe(true);
    for (const file of manifest.files) {
      const bytes = execFileSync('git', ['cat-file', 'blob', `refs/ct/index:table/${file.path}`], {
        cwd: published.bare,
      });
      expect(bytes.length).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    // Exporting an unchanged index again gives the same table files: nothing new to fetch.
    const result = await runCli(['index', '--export', '--sign-key', ciKey.key, '--json'], { cwd: published.ci });
    expect(result.code, result.stderr).toBe(0);
    expect(git(published.ci, 'rev-parse', 'refs/ct/index:table/data').trim()).toBe(
      git(published.bare, 'rev-parse', 'refs/ct/index:table/data').trim(),
    );
    expect(git(published.ci, 'rev-parse', 'refs/ct/index:table/_indices').trim()).toBe(
      git(published.bare, 'rev-parse', 'refs/ct/index:table/_indices').trim(),
    );
    // The snapshot the export read from is gone.
    expect(fs.readdirSync(path.join(published.ci, '.ct', 'index')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it("is used by a fresh clone's first search, which embeds no trace; ct status and ct doctor name it", async () => {
    const { clone, json } = await firstSearch(published.bare, 'user');
    expect(json.stores[0]?.embedded).toBe(0);
    expect(json.stores[0]?.index_source).toBe('shipped');
    expect(json.stores[0]?.traces).toBe(TRACES);
    expect(json.results.length).toBeGreaterThan(0);
    const status = await runCli(['status', '--json'], { cwd: clone });
    const detail = parseJson<{ stores?: unknown[] } & Record<string, unknown>>(status);
    expect(JSON.stringify(detail)).toContain('"type":"shipped"');
    expect(JSON.stringify(detail)).toContain('ci@example.com');
    const human = await runCli(['status'], { cwd: clone });
    expect(human.stdout + human.stderr).toMatch(/shipped index of [0-9a-f]{12}.*signed by ci@example\.com/);
    const doctor = await runCli(['doctor'], { cwd: clone });
    expect(doctor.stdout + doctor.stderr).toMatch(/shipped/i);
  });

  it('is brought up to date locally: a clone ahead of the shipped commit embeds only the new trace', async () => {
    const bare = path.join(tempDir('ct-remote-'), 'remote.git');
    git(path.dirname(bare), 'clone', '--quiet', '--mirror', published.bare, bare);
    const writer = cloneOf(bare, 'writer');
    writeFile(
      writer,
      'traces/redis/new.md',
      traceText({ id: idOf(900), title: 'Redis refuses connections after an upgrade', tags: '[redis]' }),
    );
    commitAll(writer, 'one more trace');
    git(writer, 'push', '--quiet', 'origin', 'main');
    // The shipped index is of the previous commit: the first search installs it and embeds one trace.
    const { json } = await firstSearch(bare, 'ahead');
    expect(json.stores[0]?.index_source).toBe('shipped');
    expect(json.stores[0]?.embedded).toBe(1);
    expect(json.stores[0]?.traces).toBe(TRACES + 1);
  });

  it('is fetched by ct sync of a subscribed store, which then embeds nothing', async () => {
    const env = { CT_HOME: tempDir('ct-home-') };
    expect((await runCli(['store', 'add', 'team', `file://${published.bare}`], { env })).code).toBe(0);
    const sync = await runCli(['sync', '--store', 'team', '--json'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    const report = parseJson<{
      stores: { shipped?: { outcome: string; signer?: string }; index: { traces: number; embedded: number } }[];
    }>(sync);
    expect(report.stores[0]?.shipped).toMatchObject({ outcome: 'installed', signer: 'ci@example.com' });
    expect(report.stores[0]?.index).toMatchObject({ traces: TRACES, embedded: 0 });
  });

  it('clears what an install killed half-way left behind', async () => {
    const clone = cloneOf(published.bare, 'killed');
    git(clone, 'fetch', '--quiet', 'origin', '+refs/ct/index:refs/ct/index');
    const leftover = path.join(clone, '.ct', 'index', '.traces-shipped-mx0abc12.partial', 'data');
    fs.mkdirSync(leftover, { recursive: true });
    fs.writeFileSync(path.join(leftover, 'half.lance'), 'half a file');
    const attempt = await installShippedIndex(await openStore(clone, 'flag'), { fetch: false });
    expect(attempt.outcome).toBe('installed');
    expect(fs.readdirSync(path.join(clone, '.ct', 'index')).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('keeps a local index that is already at or past the shipped commit', async () => {
    const clone = cloneOf(published.bare, 'built-here');
    const store = await openStore(clone, 'flag');
    expect((await updateIndex(store)).embedded).toBe(TRACES);
    const attempt = await installShippedIndex(store);
    expect(attempt.outcome).toBe('current');
    expect((await readIndexState(clone))?.source.type).toBe('local');
  });

  it('refuses a tampered pack and builds locally', async () => {
    const bare = await republish(({ data }) => {
      const copy = Buffer.from(data);
      const at = Math.floor(copy.length / 2);
      copy.writeUInt8(copy.readUInt8(at) ^ 0xff, at);
      return { data: copy };
    });
    const { json, stderr, clone } = await firstSearch(bare, 'tampered');
    expect(stderr).toMatch(/refused the shipped index \(pack-tampered\): table\/data\/\S+\.lance .* sha256/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
    expect(json.stores[0]?.index_source).toBe('local');
    // Nothing of the refused pack is left: no partial folder, no shipped table.
    const left = fs.readdirSync(path.join(clone, '.ct', 'index'));
    expect(left.filter((n) => n.includes('shipped-') || n.endsWith('.partial'))).toEqual([]);
    const status = await runCli(['status'], { cwd: clone });
    expect(status.stdout + status.stderr).toMatch(/pack-tampered/);
  });

  it('refuses a pack of another format (version 1, Arrow chunks) with the version it reads', async () => {
    const bare = await republish(({ manifest }) => ({ manifest: { ...manifest, version: 1 }, sign: ciKey.key }));
    const { json, stderr } = await firstSearch(bare, 'old-format');
    expect(stderr).toMatch(/\(index-format\): the shipped index is pack version 1 .*reads version 2/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses a manifest changed after signing', async () => {
    const bare = await republish(({ manifest }) => ({ manifest: { ...manifest, rows: 1 }, sign: 'keep' }));
    const { json, stderr } = await firstSearch(bare, 'edited');
    expect(stderr).toMatch(/\(bad-signature\)/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses a signer that allowed_signers does not list for ct-index', async () => {
    const stranger = sshKey('ci@example.com');
    const bare = await republish(({ manifest }) => ({ manifest, sign: stranger.key }));
    const { json, stderr } = await firstSearch(bare, 'stranger');
    expect(stderr).toMatch(/\(wrong-signer\): .*allowed_signers does not list/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses an index embedded with other model files, even when signed by the right key', async () => {
    const bare = await republish(({ manifest }) => ({
      manifest: { ...manifest, model: { ...(manifest.model as object), sha256: 'a'.repeat(64) } },
      sign: ciKey.key,
    }));
    const { json, stderr } = await firstSearch(bare, 'model');
    expect(stderr).toMatch(/\(model-mismatch\): the files of ct-static-v3 differ/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses an index of another model id (the client chose another model)', async () => {
    const { json, stderr } = await firstSearch(published.bare, 'other-model', {
      CT_EMBEDDING_MODEL: 'use-lite-static-v1',
    });
    expect(stderr).toMatch(/\(model-mismatch\): the shipped index was embedded with ct-static-v3/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses an index of a commit that is not in the local history', async () => {
    const bare = path.join(tempDir('ct-remote-'), 'remote.git');
    git(path.dirname(bare), 'clone', '--quiet', '--mirror', published.bare, bare);
    const ci = cloneOf(bare, 'ci-unpushed');
    writeFile(
      ci,
      'traces/docker/secret-branch.md',
      traceText({ id: idOf(950), title: 'A trace nobody else has', tags: '[docker]' }),
    );
    commitAll(ci, 'not pushed');
    const exported = await runCli(['index', '--export', '--sign-key', ciKey.key, '--push'], { cwd: ci });
    expect(exported.code, exported.stderr).toBe(0);
    const { json, stderr } = await firstSearch(bare, 'unknown-commit');
    expect(stderr).toMatch(/\(unknown-commit\): .*not in the history/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses an unsigned index', async () => {
    const bare = path.join(tempDir('ct-remote-'), 'remote.git');
    git(path.dirname(bare), 'clone', '--quiet', '--mirror', published.bare, bare);
    const ci = cloneOf(bare, 'ci-unsigned');
    const exported = await runCli(['index', '--export', '--push'], { cwd: ci, env: { CT_INDEX_SIGNING_KEY: '' } });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/clients will refuse/);
    const { json, stderr } = await firstSearch(bare, 'unsigned');
    expect(stderr).toMatch(/\(unsigned\)/);
    expect(json.stores[0]?.embedded).toBe(TRACES);
  });

  it('refuses to export uncommitted traces', async () => {
    const ci = cloneOf(published.bare, 'ci-dirty');
    writeFile(ci, 'traces/docker/draft.md', traceText({ id: idOf(960), tags: '[docker]' }));
    const result = await runCli(['index', '--export', '--sign-key', ciKey.key], { cwd: ci });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Code: index-export-dirty/);
  });
});
