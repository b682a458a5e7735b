import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type IndexProgress, type IndexReport, updateIndex } from '../../src/index/build.js';
import { isIndexFresh } from '../../src/index/fresh.js';
import { modelFor } from '../../src/index/model.js';
import { openStore, type Store } from '../../src/store/store.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { log, timeAsync, timeCommand, withRssSampling } from './timing.js';
import { buildTldrStore, git } from './tldr-store.js';

/** A word a person would grep a store of CLI traces for. */
export const GREP_WORD = 'archive';
const FLOOR_RUNS = 5;

/**
 * Index build speed on real stores (git repositories of trace files made from tldr pages): a full
 * build with updateIndex({ full: true }), an update with nothing changed, and an update after one
 * trace was edited and committed. Beside them, the floor: what git itself takes to grep the store
 * and to list its blobs (the first step of every update).
 */
export async function benchIndexBuild(sizes: readonly number[] = [1_000, 10_000]): Promise<Record<string, unknown>> {
  const missing = missingData('tldr/corpus.jsonl');
  if (missing) return { skipped: missing };
  const pages = loadTldrCorpus();
  const out: Record<string, unknown> = {
    corpus: `tldr pages (${pages.length}), repeated as variants beyond that`,
    grep_word: GREP_WORD,
  };
  for (const size of sizes) {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-index-'));
    try {
      log(`index: writing and committing a store of ${size} traces`);
      const made = await buildTldrStore(parent, `bench-${size}`, pages, size);
      const store = await openStore(made.root, 'flag');
      out[String(size)] = {
        store: { write_ms: made.write_ms, commit_ms: made.commit_ms },
        ...(await measureStore(store, made.traces[Math.floor(made.traces.length / 2)]?.file as string)),
      };
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }
  return out;
}

async function measureStore(store: Store, editFile: string): Promise<Record<string, unknown>> {
  // When each phase was first and last reported: scan ends before parsing, the first embed event
  // comes after parsing and one batch, write starts after the last batch.
  const phases: Partial<Record<IndexProgress['phase'], { first_ms: number; last_ms: number }>> = {};
  let started = performance.now();
  log(`index: full build of ${store.name}`);
  const full = await withRssSampling(() =>
    updateIndex(store, {
      full: true,
      onProgress: (p) => {
        const at = Math.round(performance.now() - started);
        phases[p.phase] = { first_ms: phases[p.phase]?.first_ms ?? at, last_ms: at };
      },
    }),
  );
  const fullReport = full.value;

  log('index: update with nothing changed');
  const noChange = await timeAsync(() => updateIndex(store));
  const fresh = await timeAsync(() => isIndexFresh(store.root, modelFor(store)));

  log(`index: edit one trace (${editFile}), commit, update`);
  fs.appendFileSync(path.join(store.root, editFile), '\n- Show the version of the tool:\n\n`tool --version`\n');
  git(store.root, 'commit', '--quiet', '--no-verify', '-am', 'Edit one trace');
  started = performance.now();
  const incremental = await updateIndex(store);
  const incrementalMs = performance.now() - started;
  if (incremental.embedded !== 1)
    throw new Error(`an update after editing one trace embedded ${incremental.embedded} traces, expected 1`);

  log('index: git floor');
  const grep = timeCommand('git', ['grep', '-l', '-i', '-F', GREP_WORD, '--', 'traces/'], FLOOR_RUNS, {
    cwd: store.root,
  });
  const lsFiles = timeCommand('git', ['ls-files', '-s', 'traces/'], FLOOR_RUNS, { cwd: store.root });
  const { stdout: grepOut, ...grepTiming } = grep;
  const { stdout: _ls, ...lsTiming } = lsFiles;
  return {
    full_build: {
      ...summary(fullReport),
      traces_per_s: Math.round(fullReport.traces / (fullReport.ms / 1000)),
      progress_events_ms: phases,
      peak_rss_mb: full.peak_rss_mb,
      process_max_rss_mb: full.process_max_rss_mb,
    },
    no_change_update: { ...summary(noChange.value), wall_ms: Math.round(noChange.ms) },
    freshness_check_ms: Math.round(fresh.ms),
    freshness_check_note:
      'isIndexFresh: git rev-parse HEAD + git status over traces/, votes/, flags/; searchStores runs it before every query',
    one_trace_edited: { ...summary(incremental), wall_ms: Math.round(incrementalMs) },
    floor: {
      git_grep: {
        ...grepTiming,
        files_matched: grepOut.split('\n').filter(Boolean).length,
        command: `git grep -l -i -F ${GREP_WORD} -- traces/`,
      },
      git_ls_files: { ...lsTiming, command: 'git ls-files -s traces/' },
    },
  };
}

const summary = (r: IndexReport) => ({
  ms: r.ms,
  traces: r.traces,
  embedded: r.embedded,
  reused: r.reused,
  removed: r.removed,
  skipped: r.skipped.length,
  full: r.full,
});
