import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStore } from '../../src/check/run.js';
import { importCandidates, readImportSource } from '../../src/contribute/import.js';
import { updateIndex } from '../../src/index/build.js';
import { searchStores } from '../../src/search/search.js';
import { findTrace } from '../../src/store/find-trace.js';
import { openStore } from '../../src/store/store.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

/** Committed links are what a hostile pull request would bring: the checkout then holds real symlinks. */
function commitLink(root: string, rel: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
  commitAll(root, `link ${rel}`);
}

const listing = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

describe('a store never follows symbolic links', () => {
  it('refuses to write its index through a committed .ct link, and ct check reports the link', async () => {
    const root = await makeStore('dot-ct');
    writeFile(root, 'traces/docker/a.md', traceText());
    const outside = tempDir('ct-outside-');
    commitLink(root, '.ct', outside);
    const store = await openStore(root, 'flag');

    await expect(updateIndex(store)).rejects.toMatchObject({ code: 'store-symlink' });
    await expect(searchStores([store], { query: 'redis' })).rejects.toMatchObject({ code: 'store-symlink' });
    expect(listing(outside)).toEqual([]);
    const report = await checkStore(root);
    expect(report.problems.filter((p) => p.rule === 'files/symlink').map((p) => p.file)).toEqual(['.ct']);
  });

  it('indexes trace files by their git blob, never a committed link to a file (names with spaces and accents kept)', async () => {
    const root = await makeStore('linked-file');
    writeFile(root, 'traces/docker/a café note.md', traceText());
    const outside = path.join(tempDir('ct-outside-'), 'other.md');
    fs.writeFileSync(
      outside,
      traceText({ id: '01KB0000000000000000000002', title: 'Zanzibar quartz oscillator drifts at night' }),
    );
    commitLink(root, 'traces/docker/linked.md', outside);
    const store = await openStore(root, 'flag');
    expect(await updateIndex(store)).toMatchObject({ traces: 1 });
    const found = await searchStores([store], { query: 'healthcheck postgresql' });
    expect(found.results.map((r) => r.path)).toEqual(['traces/docker/a café note.md']);
    expect((await searchStores([store], { query: 'zanzibar quartz oscillator' })).results).toEqual([]);
  });

  it('does not read traces, votes or ct.yml through links: show and get_trace find nothing outside', async () => {
    const root = await makeStore('linked-traces');
    const outside = tempDir('ct-outside-');
    fs.mkdirSync(path.join(outside, 'docker'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'docker', 'secret.md'), traceText());
    fs.rmSync(path.join(root, 'traces'), { recursive: true });
    commitLink(root, 'traces', outside);

    await expect(findTrace(root, VALID_ID)).rejects.toMatchObject({ code: 'trace-not-found' });
    const report = await checkStore(root);
    expect(report.problems.filter((p) => p.rule === 'files/symlink').map((p) => p.file)).toEqual(['traces']);

    const config = await makeStore('linked-config');
    const real = path.join(tempDir('ct-outside-'), 'ct.yml');
    fs.renameSync(path.join(config, 'ct.yml'), real);
    commitLink(config, 'ct.yml', real);
    await expect(openStore(config, 'flag')).rejects.toMatchObject({ code: 'store-symlink' });
  });

  it('refuses an import whose target folder is a link, before writing anything', async () => {
    const root = await makeStore('import-link');
    const outside = tempDir('ct-outside-');
    commitLink(root, 'traces/docker-compose', outside);
    const source = tempDir('ct-import-');
    fs.writeFileSync(path.join(source, 'a.md'), traceText());
    const store = await openStore(root, 'flag');
    const { candidates } = await readImportSource(source, store.config.tags.aliases);
    await expect(importCandidates(store, candidates, { message: 'import' })).rejects.toMatchObject({
      code: 'store-symlink',
    });
    expect(listing(outside)).toEqual([]);
  });
});
