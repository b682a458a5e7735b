import fs from 'node:fs';
import path from 'node:path';
import { monotonicFactory } from 'ulid';
import { seededRandom } from '../../src/eval/metrics.js';
import { evaluateStore } from '../../src/eval/run.js';
import { updateIndex } from '../../src/index/build.js';
import { initStore } from '../../src/store/init.js';
import { openStore } from '../../src/store/store.js';
import { TITLE_MAX, TITLE_MIN } from '../../src/trace/schema.js';
import { serializeTrace, slugify } from '../../src/trace/serialize.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loadEvalCorpus, loadEvalQueries, missingData } from './eval-data.js';
import { log, timeAsync } from './timing.js';
import { BENCH_IDENTITY, git } from './tldr-store.js';

/**
 * `ct eval --fit` on a real store made of cosqa-dev: a git store (store-template) with one trace
 * per Python function (title: its signature; Context: its code) and the 500 queries as
 * eval/queries.yml, committed and indexed as `ct index` does it, then the fit of src/eval/run.ts:
 * what a store of code-search traces is told, and what the fit costs. (seamonkey-dup does not fit
 * a store: each of its queries is a report of the corpus that must be searched as if absent.)
 */
export async function benchEvalFit(): Promise<Record<string, unknown>> {
  const missing = missingData(path.join('cosqa-dev', 'corpus.jsonl'));
  if (missing) return { skipped: missing };
  const corpus = loadEvalCorpus('cosqa-dev');
  const queries = loadEvalQueries('cosqa-dev');
  const root = path.join(tempDir('ct-bench-fit-'), 'cosqa');
  await initStore(root, { name: 'cosqa', identity: BENCH_IDENTITY });
  log(`eval-fit: writing a store of ${corpus.length} cosqa-dev functions`);
  const nextId = monotonicFactory(seededRandom(11));
  const idOf = new Map<string, string>();
  const taken = new Set<string>();
  corpus.forEach((doc, i) => {
    const id = nextId(Date.UTC(2026, 10, 22, 12) + i);
    idOf.set(doc.id, id);
    let title = doc.title.slice(0, TITLE_MAX);
    if (title.length < TITLE_MIN) title = `${title} (Python)`;
    const text = serializeTrace(
      { id, title, tags: ['python'], created: '2026-11-22', status: 'active' },
      { context: doc.text, solution: 'The function above.' },
    );
    const base = `traces/python/${slugify(title) || 'function'}`;
    let file = `${base}.md`;
    for (let n = 2; taken.has(file); n++) file = `${base}-${n}.md`;
    taken.add(file);
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  });
  fs.mkdirSync(path.join(root, 'eval'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'eval', 'queries.yml'),
    queries
      .map(
        (q) => `- query: ${JSON.stringify(q.query)}\n  relevant: [${q.relevant.map((r) => idOf.get(r)).join(', ')}]\n`,
      )
      .join(''),
  );
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--no-verify', '-m', 'cosqa-dev as a store');
  const store = await openStore(root, 'flag');
  const index = await timeAsync(() => updateIndex(store));
  log('eval-fit: ct eval --fit over the 500 queries');
  const fitted = await timeAsync(() => evaluateStore(store, { fit: true, autoUpdate: false }));
  const { fit, metrics } = fitted.value;
  return {
    store: { traces: index.value.traces, skipped: index.value.skipped.length, queries: queries.length },
    index_ms: Math.round(index.ms),
    eval_fit_ms: Math.round(fitted.ms),
    metrics_now: { recall_at_10: metrics.recall_at_10, mrr_at_10: metrics.mrr_at_10 },
    fit,
    note: 'fit.held_out: recall@10 + MRR@10 of a weight fitted on half the queries and measured on the other half, minus the current weight',
  };
}
