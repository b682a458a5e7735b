import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPT } from '../../src/embed/adapt.js';
import { DEFAULT_MODEL, loadEmbedder } from '../../src/embed/embedder.js';
import { updateIndex } from '../../src/index/build.js';
import { embeddingText } from '../../src/index/document.js';
import { forgetFreshness } from '../../src/index/ready.js';
import { adaptationRef, indexDir, readIndexState } from '../../src/index/state.js';
import { connectIndex, openTable } from '../../src/index/table.js';
import { searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { parseTrace } from '../../src/trace/parse.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { traceText } from '../helpers/trace.js';

const ID = (n: number) => `01KC${String(n).padStart(21, '0')}A`;
const SERVICES = ['queue', 'mailer', 'resizer', 'gateway', 'indexer', 'scheduler', 'encoder', 'uploader'];
const FAILURES = ['times out', 'crashes on start', 'leaks memory', 'drops messages', 'rejects tokens', 'hangs'];

/** Trace n of a store of invented services: a title, a paragraph and a commented code block (three pairs each). */
function trace(n: number): string {
  const service = SERVICES[n % SERVICES.length] as string;
  const failure = FAILURES[n % FAILURES.length] as string;
  const body =
    `## Context\nThe ${service} service ${failure} after the nightly deploy of build ${n}.\n\n` +
    `## Solution\nRestart it with a longer grace period:\n\n` +
    `\`\`\`python\n# restart the ${service} and wait for it\n${service}_client.restart(grace=${n % 60})\n\`\`\`\n`;
  return traceText({ id: ID(n), title: `zorb${service} ${failure} (case ${n})`, tags: '[ops]', body });
}

async function storeOf(count: number, config = '') {
  const root = await makeStore('adapt');
  for (let n = 1; n <= count; n++) writeFile(root, `traces/ops/t${n}.md`, trace(n));
  if (config) fs.appendFileSync(path.join(root, 'ct.yml'), config);
  commitAll(root, 'traces');
  return { root, store: await openStore(root, 'flag') };
}

/** Rewrites ct.yml's `embedding.adapt` and commits it, as a maintainer turning adaptation on or off. */
async function setAdapt(root: string, on: boolean) {
  const file = path.join(root, 'ct.yml');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(
    file,
    /^ {2}adapt: (true|false)$/m.test(text)
      ? text.replace(/^ {2}adapt: (true|false)$/m, `  adapt: ${on}`)
      : `${text}embedding:\n  adapt: ${on}\n`,
  );
  commitAll(root, `adapt: ${on}`);
  forgetFreshness();
  return openStore(root, 'flag');
}

async function vectorOf(root: string, id: string): Promise<number[]> {
  const state = await readIndexState(root);
  const table = await openTable(await connectIndex(root), state?.table as string);
  if (!table) throw new Error('no index table');
  const [row] = (await table.query().where(`id = '${id}'`).select(['vector']).toArray()) as {
    vector: ArrayLike<number>;
  }[];
  return Array.from(row?.vector ?? []);
}

describe('adapting the embedding to the store at a full build', () => {
  it('adapts once turned on, embeds updates and queries with the adapted table, and rebuilds without it when turned off', async () => {
    const { root, store: plainStore } = await storeOf(200);
    // Off by default: the index is built with the model's own table.
    const first = await updateIndex(plainStore);
    expect(first.adaptation).toBeUndefined();
    expect((await readIndexState(root))?.adaptation).toBeUndefined();
    // Turned on in ct.yml: the next update rebuilds and adapts.
    const store = await setAdapt(root, true);
    const report = await updateIndex(store);
    expect(report).toMatchObject({ full: true, reason: 'the embedding is now adapted to the store' });
    expect(report.adaptation?.pairs).toBeGreaterThanOrEqual(ADAPT.minPairs);
    expect(report.adaptation?.loss[1]).toBeLessThan(report.adaptation?.loss[0] as number);
    const state = await readIndexState(root);
    expect(state?.adaptation?.file).toMatch(/^adapt-[0-9a-f]{16}\.bin$/);
    expect(fs.existsSync(path.join(indexDir(root), state?.adaptation?.file as string))).toBe(true);

    // The same traces give the same table: a second full build names the same file.
    await updateIndex(store, { full: true });
    expect((await readIndexState(root))?.adaptation?.sha256).toBe(state?.adaptation?.sha256);

    const search = async () => searchStores([store], { query: 'zorbqueue times out', limit: 5 }, { cwd: root });
    const found = await search();
    expect(found.stores[0]?.adapted).toBe(true);
    expect(found.results[0]?.title).toMatch(/^zorbqueue times out/);

    // An update embeds the changed trace with the index's adapted table, not the model's own.
    writeFile(root, 'traces/ops/t7.md', trace(7).replace('after the nightly deploy', 'since the weekly rollout'));
    commitAll(root, 'edit t7');
    const update = await updateIndex(store);
    expect(update).toMatchObject({ full: false, embedded: 1 });
    const after = await readIndexState(root);
    expect(after?.adaptation?.sha256).toBe(state?.adaptation?.sha256);
    const parsed = parseTrace(fs.readFileSync(path.join(root, 'traces/ops/t7.md'), 'utf8'), 't7.md').trace;
    const text = embeddingText(parsed as NonNullable<typeof parsed>);
    const adapted = await loadEmbedder(DEFAULT_MODEL, adaptationRef(root, after));
    const plain = await loadEmbedder(DEFAULT_MODEL);
    const stored = await vectorOf(root, ID(7));
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).every((x, i) => Math.abs(x - (b[i] as number)) < 1e-6);
    expect(close(stored, (await adapted.embed([text]))[0] as Float32Array)).toBe(true);
    expect(close(stored, (await plain.embed([text]))[0] as Float32Array)).toBe(false);

    // A missing adaptation file: loading it (a new process) says how to repair it, and `ct index` rebuilds.
    const file = path.join(indexDir(root), after?.adaptation?.file as string);
    fs.rmSync(file);
    await expect(loadEmbedder(DEFAULT_MODEL, { path: file, sha256: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'index-adaptation',
      hint: expect.stringMatching(/ct index --full/),
    });
    const other = await openStore(root, 'flag');
    const repaired = await updateIndex(other);
    expect(repaired).toMatchObject({ full: true, reason: 'its adapted embedding table is missing' });
    expect((await readIndexState(root))?.adaptation?.sha256).toBeDefined();

    // Turned off in ct.yml (as for a shipped index): the next update rebuilds without it.
    const off = await setAdapt(root, false);
    const rebuilt = await updateIndex(off);
    expect(rebuilt.full).toBe(true);
    expect(rebuilt.reason).toMatch(/no longer adapted/);
    expect((await readIndexState(root))?.adaptation).toBeUndefined();
    expect(close(await vectorOf(root, ID(7)), (await plain.embed([text]))[0] as Float32Array)).toBe(true);
    const plainSearch = await searchStores([off], { query: 'zorbqueue times out', limit: 5 }, { cwd: root });
    expect(plainSearch.stores[0]?.adapted).toBeUndefined();
  }, 180_000);

  it('leaves a small store and an export alone', async () => {
    const ON = 'embedding:\n  adapt: true\n';
    const { root, store } = await storeOf(60, ON);
    const report = await updateIndex(store);
    expect(report.adaptation).toBeUndefined();
    expect((await readIndexState(root))?.adaptation).toBeUndefined();
    // Too few pairs is remembered: the next update does not rebuild to try again.
    writeFile(root, 'traces/ops/t61.md', trace(61));
    commitAll(root, 'one more');
    expect(await updateIndex(store)).toMatchObject({ full: false, embedded: 1 });

    const big = await storeOf(200, ON);
    const exported = await updateIndex(big.store, { adapt: false });
    expect(exported.adaptation).toBeUndefined();
    expect(fs.readdirSync(indexDir(big.root)).filter((f) => f.startsWith('adapt-'))).toEqual([]);
  }, 180_000);
});
