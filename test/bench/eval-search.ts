import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Table } from '@lancedb/lancedb';
import { DEFAULT_MODEL, type Embedder, loadEmbedder } from '../../src/embed/embedder.js';
import { FTS_OPTIONS, ROW_COLUMNS } from '../../src/index/table.js';
import { CANDIDATES_PER_SIDE, fuseScores, LEXICAL_WEIGHT } from '../../src/search/rank.js';
import { searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { expandForFts } from '../../src/text/tokenize.js';
import { type EvalQuery, loadCosqaCorpus, loadCosqaQueries, missingData } from './eval-data.js';
import { averageMetrics, pairedBootstrap, type QueryMetrics, scoreRanking } from './metrics.js';
import { log, summarizeLatencies, timeAsync } from './timing.js';
import { createTraceTable, type IndexedTrace, traceRows } from './trace-table.js';

const WARMUP_QUERIES = 20;

interface Ranked {
  id: string;
  score: number;
}

/**
 * Retrieval quality of what ships, on cosqa-dev: BM25 alone, vectors alone, the hybrid fusion
 * (the product's fuseScores, constants and candidate counts), and searchStores itself (which adds
 * its relevance filter and rounding). Each function becomes a trace-like row (title, tags,
 * body = text; the text is the Context, so the embedder sees all of it, as in the search lab)
 * in a LanceDB table with the product's schema, text and FTS options, built directly rather
 * than through git.
 */
export async function benchEvalSearch(): Promise<Record<string, unknown>> {
  const missing = missingData('cosqa-dev/corpus.jsonl', 'cosqa-dev/queries.jsonl');
  if (missing) return { skipped: missing };
  const corpus = loadCosqaCorpus();
  const queries = loadCosqaQueries();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-eval-'));
  try {
    const embedder = await loadEmbedder(DEFAULT_MODEL);
    const traces: IndexedTrace[] = corpus.map((d) => ({
      id: d.id,
      path: `traces/${d.tags[0] ?? 'python'}/${d.id}.md`,
      title: d.title,
      tags: d.tags,
      created: '2026-11-22',
      status: 'active',
      sections: { context: d.text, solution: '' },
      body: d.text,
    }));
    log(`eval-search: indexing ${traces.length} cosqa functions`);
    const built = await timeAsync(() => createTraceTable(root, [traceRows(traces, embedder)], embedder.dim));
    const table = built.value;

    const bm25 = (q: string) => lexicalSide(table, q);
    const vector = (q: string) => vectorSide(table, embedder, q);
    const hybrid = async (q: string) => {
      const [lexical, dense] = await Promise.all([bm25(q), vector(q)]);
      return rankFused(lexical, dense);
    };
    const store = await openStore(root, 'flag');
    const shipped = async (q: string) =>
      (await searchStores([store], { query: q, limit: 10 }, { autoUpdate: false, cwd: root })).results.map((r) => ({
        id: r.id,
        score: r.score,
      }));

    const runs: Record<string, (q: string) => Promise<Ranked[]>> = {
      bm25,
      vector,
      hybrid,
      hybrid_search_store: shipped,
    };
    const perQuery: Record<string, QueryMetrics[]> = {};
    const latency: Record<string, ReturnType<typeof summarizeLatencies>> = {};
    for (const [name, run] of Object.entries(runs)) {
      log(`eval-search: ${name} over ${queries.length} queries`);
      for (const q of queries.slice(0, WARMUP_QUERIES)) await run(q.query);
      const { rows, ms } = await evaluate(queries, run);
      perQuery[name] = rows;
      latency[name] = summarizeLatencies(ms);
    }

    // Diagnostic: the search lab indexed title + text + tags once; lexicalText repeats the title.
    log("eval-search: diagnostic table with the search lab's lexical text (title once)");
    const labRoot = path.join(root, 'lab-text');
    const labRows = (await traceRows(traces, embedder)).map((row, i) => ({
      ...row,
      fts: expandForFts(`${row.title}\n${(corpus[i] as { text: string }).text}\n${row.tags.join(' ')}`),
    }));
    const labTable = await createTraceTable(labRoot, [Promise.resolve(labRows)], embedder.dim);
    const labBm25 = (q: string) => lexicalSide(labTable, q);
    const labHybrid = async (q: string) =>
      rankFused(...(await Promise.all([labBm25(q), vectorSide(labTable, embedder, q)])));
    perQuery.diag_bm25_title_once = (await evaluate(queries, labBm25)).rows;
    perQuery.diag_hybrid_title_once = (await evaluate(queries, labHybrid)).rows;

    const r10 = (name: string) => (perQuery[name] as QueryMetrics[]).map((m) => m.r10);
    return {
      data: { corpus: corpus.length, queries: queries.length, split: 'cosqa-dev' },
      setup: {
        embedder: embedder.id,
        dim: embedder.dim,
        candidates_per_side: CANDIDATES_PER_SIDE,
        lexical_weight: LEXICAL_WEIGHT,
        fts_options: FTS_OPTIONS,
        document:
          'title, tags, body = text; lexical: lexicalText (title twice, tags, body; expandForFts); embedding: embeddingText with context = text',
        diagnostics:
          "diag_*: the same, but the FTS column holds expandForFts(title + text + tags), the search lab's text, instead of lexicalText (which repeats the title)",
        search_store:
          'searchStore(limit 10, autoUpdate false): fused relevance rounded to 3 decimals plus adjustments, and only candidates the lexical side found are results',
      },
      index_build_ms: Math.round(built.ms),
      results: Object.fromEntries(Object.entries(perQuery).map(([name, rows]) => [name, averageMetrics(rows)])),
      bootstrap_recall_at_10: {
        'hybrid - bm25': pairedBootstrap(r10('hybrid'), r10('bm25')),
        'hybrid_search_store - bm25': pairedBootstrap(r10('hybrid_search_store'), r10('bm25')),
        'diag_hybrid_title_once - diag_bm25_title_once': pairedBootstrap(
          r10('diag_hybrid_title_once'),
          r10('diag_bm25_title_once'),
        ),
        'bm25 - diag_bm25_title_once': pairedBootstrap(r10('bm25'), r10('diag_bm25_title_once')),
      },
      latency_ms: latency,
      latency_note: `per query after ${WARMUP_QUERIES} warm-up queries; bm25/vector: one side (vector includes embedding the query); hybrid: embed + both sides in parallel + fuseScores; hybrid_search_store: the whole searchStores call (also snippets, signals, project versions)`,
      reference_searchlab: {
        bm25_code_fts: { recall_at_10: 0.588, mrr_at_10: 0.351 },
        minmax_alpha_0_9: { recall_at_10: 0.604, mrr_at_10: 0.357 },
        plain_bm25_readme: { recall_at_10: 0.536, mrr_at_10: 0.305 },
      },
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function evaluate(
  queries: readonly EvalQuery[],
  run: (q: string) => Promise<Ranked[]>,
): Promise<{ rows: QueryMetrics[]; ms: number[] }> {
  const rows: QueryMetrics[] = [];
  const ms: number[] = [];
  for (const q of queries) {
    const started = performance.now();
    const ranked = await run(q.query);
    ms.push(performance.now() - started);
    rows.push(
      scoreRanking(
        ranked.map((r) => r.id),
        q.relevant,
      ),
    );
  }
  return { rows, ms };
}

// The two candidate queries mirror lexicalCandidates and vectorCandidates in src/search/search.ts.
async function lexicalSide(table: Table, query: string): Promise<Ranked[]> {
  const expanded = expandForFts(query);
  if (!expanded) return [];
  const rows = (await table
    .search(expanded, 'fts')
    .select([...ROW_COLUMNS])
    .limit(CANDIDATES_PER_SIDE)
    .toArray()) as { id: string; _score?: number }[];
  return rows.map((r) => ({ id: r.id, score: r._score ?? 0 }));
}

async function vectorSide(table: Table, embedder: Embedder, query: string): Promise<Ranked[]> {
  const [vector] = await embedder.embed([query]);
  if (!vector || vector.every((v) => v === 0)) return [];
  const rows = (await table
    .vectorSearch(vector)
    .distanceType('cosine')
    .select([...ROW_COLUMNS])
    .limit(CANDIDATES_PER_SIDE)
    .toArray()) as { id: string; _distance?: number }[];
  return rows.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) }));
}

/** fuseScores over both candidate lists, best first, ties by id as searchStores breaks them. */
function rankFused(lexical: Ranked[], vector: Ranked[]): Ranked[] {
  return [...fuseScores(lexical, vector)]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
