import fs from 'node:fs';
import path from 'node:path';
import { monotonicFactory } from 'ulid';
import { seededRandom } from '../../src/eval/metrics.js';
import { evaluateStore } from '../../src/eval/run.js';
import { updateIndex } from '../../src/index/build.js';
import { initStore } from '../../src/store/init.js';
import { openStore } from '../../src/store/store.js';
import { TAG_PATTERN, TITLE_MAX, TITLE_MIN } from '../../src/trace/schema.js';
import { serializeTrace, slugify } from '../../src/trace/serialize.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loadEvalCorpus, loadEvalQueries, missingData } from './eval-data.js';
import { log, timeAsync } from './timing.js';
import { BENCH_IDENTITY, git } from './tldr-store.js';

/**
 * `ct eval --fit` on real stores made of the dev sets: a git store (store-template) with one trace
 * per document (title: the function's signature or the bug's title; Context: the code or the
 * report) and the set's queries as eval/queries.yml (seamonkey-dup's with `exclude`: the report
 * a query was taken from is searched as if absent), committed and indexed as `ct index` does it,
 * then the fit of src/eval/run.ts: what such a store is told, and what the fit costs.
 */
export async function benchEvalFit(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    note: 'fit.held_out: recall@10 + MRR@10 of a weight fitted on half the queries and measured on the other half, minus the current weight',
  };
  for (const set of ['cosqa-dev', 'seamonkey-dup'] as const) {
    const missing = missingData(path.join(set, 'corpus.jsonl'));
    out[set] = missing ? { skipped: missing } : await fitSet(set);
  }
  return out;
}

async function fitSet(set: 'cosqa-dev' | 'seamonkey-dup'): Promise<Record<string, unknown>> {
  const corpus = loadEvalCorpus(set);
  const queries = loadEvalQueries(set);
  const name = set.split('-')[0] as string;
  const root = path.join(tempDir('ct-bench-fit-'), name);
  await initStore(root, { name, identity: BENCH_IDENTITY });
  log(`eval-fit: writing a store of the ${corpus.length} documents of ${set}`);
  const nextId = monotonicFactory(seededRandom(11));
  const idOf = new Map<string, string>();
  const taken = new Set<string>();
  const fileOf = new Map<string, string>();
  corpus.forEach((doc, i) => {
    const id = nextId(Date.UTC(2026, 10, 22, 12) + i);
    idOf.set(doc.id, id);
    let title = doc.title.replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX);
    if (title.length < TITLE_MIN) title = `${title} (${name})`;
    const tags = doc.tags.filter((t) => TAG_PATTERN.test(t)).slice(0, 5);
    const text = serializeTrace(
      { id, title, tags: tags.length > 0 ? tags : [name], created: '2026-11-22', status: 'active' },
      // A report without a description is its title (a trace's Context may not be empty).
      {
        context: doc.text.trim() || doc.title,
        solution: set === 'cosqa-dev' ? 'The function above.' : 'See the report above.',
      },
    );
    const base = `traces/${tags[0] ?? name}/${slugify(title) || 'trace'}`;
    let file = `${base}.md`;
    for (let n = 2; taken.has(file); n++) file = `${base}-${n}.md`;
    taken.add(file);
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    fileOf.set(id, file);
  });
  const ids = (list: readonly string[]) => `[${list.map((r) => idOf.get(r)).join(', ')}]`;
  const writeQueries = (kept: typeof queries) =>
    fs.writeFileSync(
      path.join(root, 'eval', 'queries.yml'),
      kept
        .map(
          (q) =>
            `- query: ${JSON.stringify(q.query)}\n  relevant: ${ids(q.relevant)}\n` +
            (q.exclude?.length ? `  exclude: ${ids(q.exclude)}\n` : ''),
        )
        .join(''),
    );
  fs.mkdirSync(path.join(root, 'eval'), { recursive: true });
  writeQueries(queries);
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--no-verify', '-m', `${set} as a store`);
  const store = await openStore(root, 'flag');
  const index = await timeAsync(() => updateIndex(store));
  // A document whose text does not parse as a trace (a heading inside it) is skipped by the index;
  // the queries that name it are left out, and counted.
  const skipped = new Set(index.value.skipped.map((s) => s.file));
  const kept = queries.filter((q) =>
    [...q.relevant, ...(q.exclude ?? [])].every((d) => !skipped.has(fileOf.get(idOf.get(d) as string) as string)),
  );
  if (kept.length < queries.length) writeQueries(kept);
  log(`eval-fit: ct eval --fit over the ${kept.length} queries of ${set}`);
  const fitted = await timeAsync(() => evaluateStore(store, { fit: true, autoUpdate: false }));
  const { fit, metrics } = fitted.value;
  return {
    store: {
      traces: index.value.traces,
      skipped: index.value.skipped.map((s) => `${s.file}: ${s.reason}`),
      queries: kept.length,
      queries_left_out: queries.length - kept.length,
    },
    index_ms: Math.round(index.ms),
    eval_fit_ms: Math.round(fitted.ms),
    metrics_now: { recall_at_10: metrics.recall_at_10, mrr_at_10: metrics.mrr_at_10 },
    fit,
  };
}
