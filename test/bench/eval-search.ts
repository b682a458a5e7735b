import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Table } from '@lancedb/lancedb';
import { adaptTable, serializeAdaptation, sha256, tracePairs } from '../../src/embed/adapt.js';
import type { CtStaticEmbedder } from '../../src/embed/ct-static.js';
import { DEFAULT_MODEL, type Embedder, loadEmbedder, USE_LITE_STATIC_MODEL } from '../../src/embed/embedder.js';
import {
  averageMetrics,
  type BootstrapResult,
  pairedBootstrap,
  type QueryMetrics,
  scoreRanking,
} from '../../src/eval/metrics.js';
import { indexDir } from '../../src/index/state.js';
import { FTS_FIELDS, FTS_OPTIONS, ROW_COLUMNS } from '../../src/index/table.js';
import {
  CANDIDATES_PER_SIDE,
  CODE_LEXICAL_SHIFT,
  codeShiftFor,
  fuseScores,
  LEXICAL_WEIGHT,
  lexicalWeightFor,
  traceCodeShare,
  traceLexicalWeight,
} from '../../src/search/rank.js';
import { lexicalQuery, searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { expandForFts } from '../../src/text/tokenize.js';
import {
  EVAL_SETS,
  type EvalQuery,
  type EvalSetName,
  loadEvalCorpus,
  loadEvalQueries,
  missingData,
} from './eval-data.js';
import { log, summarizeLatencies, timeAsync } from './timing.js';
import { createTraceTable, type IndexedTrace, traceRows } from './trace-table.js';

const WARMUP_QUERIES = 20;
/** The models compared: the previous default first, the current default second (bootstrap: second - first). */
const MODELS = [USE_LITE_STATIC_MODEL, DEFAULT_MODEL] as const;
/**
 * The current default adapted to the corpus as a full build adapts it to a store (src/embed/adapt.ts,
 * ct.yml `embedding.adapt: true`), on the pairs of every document but the queries' own (a
 * seamonkey-dup query is the title of a report in the corpus: its title <-> text pair would teach the
 * table that very query, which no real query offers).
 */
const ADAPTED = `${DEFAULT_MODEL}+adapted`;
/** Diagnostic: adapted on every document, the queries' own reports included (what the set's layout allows). */
const ADAPTED_ALL = `${DEFAULT_MODEL}+adapted-with-query-reports`;
/** Lexical weights tried for the fusion (diagnostic only: the product's weights are in src/search/rank.ts). */
const ALPHAS = [0.4, 0.45, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0] as const;
const METRICS = ['r5', 'r10', 'mrr10', 'ndcg10'] as const;

interface Ranked {
  id: string;
  score: number;
}
/** A ranking of the corpus for a query, its `exclude` ids searched as if absent (see evaluate). */
type Run = (q: string, exclude?: readonly string[]) => Promise<Ranked[]>;

/**
 * Retrieval quality of what ships, on cosqa-dev (web queries -> Python functions) and
 * seamonkey-dup (a bug title -> its duplicate report), for the previous and the current default
 * embedder: BM25 alone, vectors alone, the hybrid fusion (the product's fuseScores, constants
 * and candidate counts), and searchStore itself (which adds its lexical filter and rounding),
 * with paired-bootstrap 95% intervals of (current - previous). Each document becomes a
 * trace-like row (title, tags, body = text as the Context) in a LanceDB table with the product's
 * schema, text and FTS options, built directly rather than through git.
 */
export async function benchEvalSearch(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    setup: {
      models: MODELS,
      candidates_per_side: CANDIDATES_PER_SIDE,
      lexical_weight: LEXICAL_WEIGHT,
      code_lexical_shift: CODE_LEXICAL_SHIFT,
      fts_options: FTS_OPTIONS,
      fts_fields: FTS_FIELDS,
      document: 'title, tags, body = text; lexical: lexicalText; embedding: embeddingText with context = text',
      search_store:
        'searchStore(autoUpdate false): fused relevance rounded to 3 decimals plus adjustments; results are lexical hits',
      exclude: "seamonkey-dup: each query's own report (exclude) is dropped from every ranking before scoring",
      bootstrap: `paired, 10,000 resamples, (${MODELS[1]} - ${MODELS[0]}) per metric`,
      fusion:
        "hybrid: each document's lexical weight is lexical_weight - code_lexical_shift x its code share (traceLexicalWeight; the default table only, not adapted); hybrid_flat: lexical_weight for every document (the fusion before the code share)",
      fusion_sweep:
        'hybrid_alpha_<a>: as hybrid with base lexical weight a (diagnostic; the product uses lexical_weight)',
      adaptation: `${ADAPTED}: the table adapted (ct.yml embedding.adapt) on the pairs of every document except the queries' own reports; ${ADAPTED_ALL} (diagnostic): with them`,
    },
  };
  for (const set of EVAL_SETS) {
    const missing = missingData(`${set}/corpus.jsonl`, `${set}/queries.jsonl`);
    out[set] = missing ? { skipped: missing } : await evalSet(set);
  }
  return out;
}

async function evalSet(set: EvalSetName): Promise<Record<string, unknown>> {
  const corpus = loadEvalCorpus(set);
  const queries = loadEvalQueries(set);
  const traces: IndexedTrace[] = corpus.map((d) => ({
    id: d.id,
    path: `traces/${d.tags[0] ?? 'misc'}/${d.id}.md`,
    title: d.title,
    tags: d.tags,
    created: '2026-11-22',
    status: 'active',
    sections: { context: d.text, solution: '' },
    body: d.text,
  }));
  const shares = new Map(traces.map((t) => [t.id, traceCodeShare(t.sections)]));
  const perModel: Record<string, Record<string, QueryMetrics[]>> = {};
  const extra: Record<string, unknown> = {};
  const queryReports = new Set(queries.flatMap((q) => q.exclude ?? []));
  const variants = [...MODELS, ADAPTED, ...(queryReports.size ? [ADAPTED_ALL] : [])];
  for (const variant of variants) {
    const adapting = variant === ADAPTED || variant === ADAPTED_ALL;
    const model = adapting ? DEFAULT_MODEL : variant;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-eval-'));
    try {
      let embedder = await loadEmbedder(model);
      let adaptation: Awaited<ReturnType<typeof adaptCorpus>> | undefined;
      if (adapting) {
        const sample = variant === ADAPTED ? traces.filter((t) => !queryReports.has(t.id)) : traces;
        adaptation = await adaptCorpus(root, sample, embedder as CtStaticEmbedder);
        embedder = adaptation.embedder;
        extra[`${variant}_adaptation`] = adaptation.report;
      }
      const lexicalWeight = lexicalWeightFor(adapting);
      // searchStore's fusion: each document's weight lowered by its code share (default table only).
      const shift = codeShiftFor(model, adapting);
      const weights = (base: number) => (id: string) => traceLexicalWeight(base, shares.get(id) ?? 0, shift);
      log(`eval-search: ${set}: indexing ${traces.length} documents with ${variant}`);
      const built = await timeAsync(() =>
        createTraceTable(
          root,
          [traceRows(traces, embedder)],
          embedder.dim,
          undefined,
          model,
          adaptation ? { adaptation: adaptation.state } : {},
        ),
      );
      fs.appendFileSync(path.join(root, 'ct.yml'), `embedding:\n  model: ${model}\n`);
      const table = built.value;
      const store = await openStore(root, 'flag');
      const bm25: Run = (q, ex) => lexicalSide(table, q, ex);
      const vector: Run = (q, ex) => vectorSide(table, embedder, q, ex);
      const both = async (q: string, ex?: readonly string[]) => Promise.all([bm25(q, ex), vector(q, ex)]);
      const single: Run = (q, ex) => singleFieldSide(table, q, ex);
      // The sweep (and hybrid_flat) reuses one candidate pair per query (cached), so it costs one pass.
      const cache = new Map<string, [Ranked[], Ranked[]]>();
      // Keyed by the exclusion too: seamonkey-dup has reports that share a title (12 titles, 31 queries).
      const cached = async (q: string, ex?: readonly string[]) => {
        const key = `${q}\0${ex?.join(' ') ?? ''}`;
        return cache.get(key) ?? cache.set(key, await both(q, ex)).get(key)!;
      };
      const runs: Record<string, Run> = {
        bm25,
        bm25_single_field: single,
        vector,
        hybrid_single_field_alpha_0_9: async (q, ex) =>
          rankFused(...(await Promise.all([single(q, ex), vector(q, ex)])), 0.9),
        hybrid: async (q, ex) => rankFused(...(await both(q, ex)), weights(lexicalWeight)),
        hybrid_flat: async (q, ex) => rankFused(...(await cached(q, ex)), lexicalWeight),
        hybrid_search_store: async (q, ex) =>
          (
            await searchStores(
              [store],
              { query: q, limit: 20 },
              { autoUpdate: false, cwd: root, ...(ex ? { exclude: ex } : {}) },
            )
          ).results,
      };
      for (const alpha of ALPHAS)
        runs[`hybrid_alpha_${alpha}`] = async (q, ex) => rankFused(...(await cached(q, ex)), weights(alpha));
      const rows: Record<string, QueryMetrics[]> = {};
      const latency: Record<string, ReturnType<typeof summarizeLatencies>> = {};
      for (const [name, run] of Object.entries(runs)) {
        log(`eval-search: ${set}: ${variant}: ${name} over ${queries.length} queries`);
        if (!name.startsWith('hybrid_alpha'))
          for (const q of queries.slice(0, WARMUP_QUERIES)) await run(q.query, excluded(q));
        const { metrics, ms } = await evaluate(queries, run);
        rows[name] = metrics;
        if (!name.startsWith('hybrid_alpha')) latency[name] = summarizeLatencies(ms);
      }
      perModel[variant] = rows;
      extra[variant] = {
        lexical_weight: lexicalWeight,
        dim: embedder.dim,
        index_build_ms: Math.round(built.ms),
        latency_ms: latency,
      };
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  const [before, after] = MODELS.map((m) => perModel[m] as Record<string, QueryMetrics[]>) as [
    Record<string, QueryMetrics[]>,
    Record<string, QueryMetrics[]>,
  ];
  const bootstrap: Record<string, Record<string, BootstrapResult>> = {};
  for (const run of ['vector', 'hybrid', 'hybrid_search_store'])
    bootstrap[run] = Object.fromEntries(
      METRICS.map((m) => [m, pairedBootstrap(pick(after[run], m), pick(before[run], m))]),
    );
  const vsBm25 = (rows: Record<string, QueryMetrics[]>) =>
    Object.fromEntries(
      ['hybrid', 'hybrid_search_store'].map((run) => [
        run,
        pairedBootstrap(pick(rows[run], 'r10'), pick(rows.bm25, 'r10')),
      ]),
    );
  return {
    data: { corpus: corpus.length, queries: queries.length },
    results: Object.fromEntries(
      variants.map((m) => [
        m,
        Object.fromEntries(Object.entries(perModel[m] ?? {}).map(([run, r]) => [run, averageMetrics(r)])),
      ]),
    ),
    [`bootstrap_${MODELS[1]}_minus_${MODELS[0]}`]: bootstrap,
    // What adapting the table to the store adds, each side with its own fusion weight (and, for a
    // set whose queries are reports of the corpus, what it adds when their own reports train it too).
    ...Object.fromEntries(
      variants
        .filter((v) => v === ADAPTED || v === ADAPTED_ALL)
        .map((v) => [
          `bootstrap_${v}_minus_${DEFAULT_MODEL}`,
          Object.fromEntries(
            ['vector', 'hybrid', 'hybrid_search_store'].map((run) => [
              run,
              Object.fromEntries(
                METRICS.map((m) => [
                  m,
                  pairedBootstrap(pick(perModel[v]?.[run], m), pick(perModel[DEFAULT_MODEL]?.[run], m)),
                ]),
              ),
            ]),
          ),
        ]),
    ),
    bootstrap_recall_at_10_vs_bm25: Object.fromEntries(variants.map((m) => [m, vsBm25(perModel[m] ?? {})])),
    // The code-share fusion against one flat lexical weight for every document, same candidates.
    bootstrap_hybrid_minus_hybrid_flat: Object.fromEntries(
      (['r10', 'mrr10'] as const).map((m) => [m, pairedBootstrap(pick(after.hybrid, m), pick(after.hybrid_flat, m))]),
    ),
    // The ranking of today against the one before field weights and the fitted fusion (one `fts`
    // column, lexical weight 0.9), same model and queries: recall@10 and MRR@10.
    [`bootstrap_${MODELS[1]}_vs_single_field_alpha_0_9`]: Object.fromEntries(
      [
        ['bm25', 'bm25_single_field'],
        ['hybrid', 'hybrid_single_field_alpha_0_9'],
      ].map(([now, before]) => [
        now,
        Object.fromEntries(
          (['r10', 'mrr10'] as const).map((m) => [
            m,
            pairedBootstrap(pick(after[now as string], m), pick(after[before as string], m)),
          ]),
        ),
      ]),
    ),
    models: extra,
    latency_note: `per query after ${WARMUP_QUERIES} warm-up queries`,
  };
}

const pick = (rows: readonly QueryMetrics[] | undefined, metric: (typeof METRICS)[number]): number[] =>
  (rows ?? []).map((r) => r[metric]);

/**
 * A seamonkey-dup query is the title of a report that is itself in the corpus (`exclude`). It is
 * searched as if that report were absent, as a store's query has no copy of itself: left out of
 * both candidate lists before the fusion. (Dropped only from the final ranking, it still topped the
 * BM25 list for 83 of 92 queries and, as the maximum of the min-max normalisation, squeezed every
 * other candidate's lexical score: that favoured a high lexical weight, 0.75, over 0.5.)
 */
const excluded = (q: EvalQuery): readonly string[] | undefined => (q.exclude?.length ? q.exclude : undefined);

/** `id NOT IN (...)` for LanceDB, as searchStore filters its `exclude` ids. */
const notIn = (ids: readonly string[] | undefined): string | undefined =>
  ids?.length ? `id NOT IN (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})` : undefined;

async function evaluate(queries: readonly EvalQuery[], run: Run): Promise<{ metrics: QueryMetrics[]; ms: number[] }> {
  const metrics: QueryMetrics[] = [];
  const ms: number[] = [];
  for (const q of queries) {
    const started = performance.now();
    const ranked = await run(q.query, excluded(q));
    ms.push(performance.now() - started);
    const exclude = new Set(q.exclude ?? []);
    metrics.push(
      scoreRanking(
        ranked.map((r) => r.id).filter((id) => !exclude.has(id)),
        q.relevant,
      ),
    );
  }
  return { metrics, ms };
}

// The candidate queries are the product's (lexicalQuery) or mirror vectorCandidates in src/search/search.ts.
async function lexicalSide(table: Table, query: string, exclude?: readonly string[]): Promise<Ranked[]> {
  const q = await lexicalQuery(table, query);
  if (!q) return [];
  const where = notIn(exclude);
  const rows = (await (where ? q.where(where) : q).select(['id']).limit(CANDIDATES_PER_SIDE).toArray()) as {
    id: string;
    _score?: number;
  }[];
  return rows.map((r) => ({ id: r.id, score: r._score ?? 0 }));
}

/** The lexical side before field weights: BM25 over the one `fts` column (title, tags, body). */
async function singleFieldSide(table: Table, query: string, exclude?: readonly string[]): Promise<Ranked[]> {
  const expanded = expandForFts(query);
  if (!expanded) return [];
  const where = notIn(exclude);
  const q = table.search(expanded, 'fts', 'fts');
  const rows = (await (where ? q.where(where) : q).select(['id']).limit(CANDIDATES_PER_SIDE).toArray()) as {
    id: string;
    _score?: number;
  }[];
  return rows.map((r) => ({ id: r.id, score: r._score ?? 0 }));
}

async function vectorSide(
  table: Table,
  embedder: Embedder,
  query: string,
  exclude?: readonly string[],
): Promise<Ranked[]> {
  const [vector] = await embedder.embed([query]);
  if (!vector || vector.every((v) => v === 0)) return [];
  const where = notIn(exclude);
  const q = table
    .vectorSearch(vector)
    .distanceType('cosine')
    .select([...ROW_COLUMNS])
    .limit(CANDIDATES_PER_SIDE);
  const rows = (await (where ? q.where(where) : q).toArray()) as { id: string; _distance?: number }[];
  return rows.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) }));
}

/** fuseScores over both candidate lists, best first, ties by id as searchStore breaks them. */
function rankFused(lexical: Ranked[], vector: Ranked[], alpha: number | ((id: string) => number)): Ranked[] {
  return [...fuseScores(lexical, vector, alpha)]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/** The table adapted to the corpus's pairs, as a full build adapts it, with its file in the index folder. */
async function adaptCorpus(root: string, traces: readonly IndexedTrace[], base: CtStaticEmbedder) {
  const pairs = [...traces]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((t) => tracePairs({ ...t, tags: t.tags }));
  const adapted = adaptTable(base, pairs);
  if (!adapted) throw new Error(`eval-search: ${pairs.length} pairs are too few to adapt`);
  const bytes = serializeAdaptation(adapted.adaptation);
  const hash = sha256(bytes);
  const file = `adapt-${hash.slice(0, 16)}.bin`;
  fs.mkdirSync(indexDir(root), { recursive: true });
  fs.writeFileSync(path.join(indexDir(root), file), bytes);
  return {
    embedder: base.withAdaptation(adapted.adaptation),
    state: { file, sha256: hash, pairs: adapted.report.pairs, steps: adapted.report.steps, rows: adapted.report.rows },
    report: adapted.report,
  };
}
