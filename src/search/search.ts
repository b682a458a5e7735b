import type { Table } from '@lancedb/lancedb';
import { loadEmbedder } from '../embed/embedder.js';
import { UsageError } from '../errors.js';
import { type IndexProgress, updateIndex } from '../index/build.js';
import { isIndexFresh } from '../index/fresh.js';
import { modelFor } from '../index/model.js';
import { loadSignals } from '../index/signals.js';
import { readIndexState } from '../index/state.js';
import { connectIndex, openTable, ROW_COLUMNS, type TraceRow } from '../index/table.js';
import { detectProjectVersions, judgeFreshness } from '../project/versions.js';
import { normalizeTag } from '../store/config.js';
import type { Store } from '../store/store.js';
import { expandForFts } from '../text/tokenize.js';
import { adjustmentsFor, CANDIDATES_PER_SIDE, fuseScores, round } from './rank.js';
import { type SearchOptions, SearchOptionsSchema, type SearchResponse, type SearchResult } from './schema.js';
import { makeSnippet } from './snippet.js';

export interface SearchContext {
  /** Where the user's project is, for judging applies_to (default: cwd). */
  cwd?: string;
  log?: (message: string) => void;
  onProgress?: (progress: IndexProgress) => void;
  /** Bring a missing or stale index up to date first (default true). */
  autoUpdate?: boolean;
  /**
   * Trust a freshness check this recent (ms) instead of running git again. The check costs
   * ~100 ms of a 10k-trace search (git rev-parse + git status); a long-running server that
   * answers many queries passes a few seconds here. Default 0: always check.
   */
  freshnessTtlMs?: number;
}

const freshAt = new Map<string, number>();

/** A candidate as LanceDB returns it: the searched columns plus its BM25 score or distance. */
type Row = Pick<
  TraceRow,
  'id' | 'path' | 'title' | 'tags' | 'created' | 'status' | 'applies_to' | 'review_after' | 'context' | 'solution'
> & { _score?: number; _distance?: number };

/** Tokens of a text for a budget: ~4 characters a token, the usual rule for English and code. */
/** Columns a search reads: not the full body or the token text, which only the index needs. */
const SEARCH_COLUMNS = ROW_COLUMNS.filter((c) => c !== 'body' && c !== 'blob' && c !== 'chars');

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * Hybrid search of one store: full-text (BM25 over code-aware tokens) and vector candidates,
 * fused, then adjusted for trust, validation, disputes and freshness; every factor is in `why`.
 * The same function serves `ct search --json` and the MCP `search_traces` tool.
 */
export async function searchStore(
  store: Store,
  input: SearchOptions,
  context: SearchContext = {},
): Promise<SearchResponse> {
  const parsed = SearchOptionsSchema.safeParse(input);
  if (!parsed.success)
    throw new UsageError(
      `invalid search: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`,
      'ct search "<error message or task>" [--tag t] [--limit n] [--budget tokens]',
    );
  const { query, limit, budget } = parsed.data;
  const tags = parsed.data.tags.map((t) => normalizeTag(t, store.config.tags.aliases));
  const model = modelFor(store);

  let updated = false;
  const cacheKey = `${store.root}\0${model}`;
  const recentlyFresh =
    (context.freshnessTtlMs ?? 0) > 0 && Date.now() - (freshAt.get(cacheKey) ?? 0) < (context.freshnessTtlMs ?? 0);
  if (context.autoUpdate !== false && !recentlyFresh) {
    if (!(await isIndexFresh(store.root, model))) {
      await updateIndex(store, {
        ...(context.log ? { log: context.log } : {}),
        ...(context.onProgress ? { onProgress: context.onProgress } : {}),
      });
      updated = true;
    }
    freshAt.set(cacheKey, Date.now());
  }
  const where =
    tags.length > 0 ? tags.map((t) => `array_has(tags, '${t.replace(/'/g, "''")}')`).join(' AND ') : undefined;
  const candidates = async () => {
    const state = await readIndexState(store.root);
    const table = state ? await openTable(await connectIndex(store.root), state.table) : undefined;
    if (!table || !state || state.traces === 0) return { state, lexical: [], vector: [] };
    const [lexical, vector] = await Promise.all([
      lexicalCandidates(table, query, where),
      vectorCandidates(table, query, where, model, state.ann),
    ]);
    return { state, lexical, vector };
  };
  let found: Awaited<ReturnType<typeof candidates>>;
  try {
    found = await candidates();
  } catch (e) {
    // A corrupt or foreign index must not break search: rebuild it once, then query again.
    if (context.autoUpdate === false) throw e;
    context.log?.(
      `The index of "${store.name}" cannot be queried (${(e as Error).message.split('\n')[0]?.slice(0, 120)}): rebuilding it`,
    );
    await updateIndex(store, {
      full: true,
      ...(context.log ? { log: context.log } : {}),
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    });
    updated = true;
    found = await candidates();
  }
  const { state, lexical, vector } = found;
  const empty: SearchResponse = {
    store: store.name,
    query,
    tags,
    results: [],
    total_candidates: 0,
    budget: budget ? { tokens: budget, used: 0, omitted: 0 } : null,
    index: { traces: state?.traces ?? 0, model, updated },
  };
  if (!state || state.traces === 0) return empty;
  // Vector search always returns its nearest traces, however far: for a query that shares no
  // term with any trace (a typo'd error, gibberish) those are noise, and the static embedding's
  // similarities are not calibrated enough to cut them by a threshold. So a result must match the
  // query lexically; the embedding re-ranks among those (see test/bench/eval-search.ts).
  const rows = new Map<string, Row>();
  for (const row of [...lexical, ...vector]) if (!rows.has(row.id)) rows.set(row.id, row);
  const fused = fuseScores(
    lexical.map((r) => ({ id: r.id, score: r._score ?? 0 })),
    vector.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) })),
  );
  const lexicalRank = new Map(lexical.map((r, i) => [r.id, { rank: i + 1, score: round(r._score ?? 0) }]));
  const vectorRank = new Map(vector.map((r, i) => [r.id, { rank: i + 1, similarity: round(1 - (r._distance ?? 1)) }]));
  const signals = await loadSignals(store.root);
  const project = await detectProjectVersions(context.cwd ?? process.cwd());

  // Score every candidate (cheap), then build snippets only for the results that are kept.
  const scored = [...rows.values()]
    .filter((row) => lexicalRank.has(row.id))
    .map((row) => {
      const appliesTo = JSON.parse(row.applies_to || '{}') as Record<string, string>;
      const freshness = judgeFreshness(appliesTo, row.review_after || undefined, project);
      const adjustments = adjustmentsFor(signals.get(row.id), row.status, freshness);
      const relevance = round(fused.get(row.id) ?? 0);
      return {
        row,
        appliesTo,
        freshness,
        adjustments,
        relevance,
        score: round(relevance + adjustments.reduce((sum, a) => sum + a.delta, 0)),
      };
    })
    .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));
  const top: SearchResult[] = scored
    .slice(0, limit)
    .map(({ row, appliesTo, freshness, adjustments, relevance, score }) => {
      const signal = signals.get(row.id);
      const { snippet, matched } = makeSnippet(query, row.context, row.solution);
      return {
        id: row.id,
        title: row.title,
        tags: [...row.tags],
        path: row.path,
        created: row.created,
        status: row.status,
        applies_to: appliesTo,
        score,
        trust: {
          up: signal?.up ?? 0,
          down: signal?.down ?? 0,
          flags: signal?.flags ?? 0,
          trust: round(signal?.trust ?? 0),
          validated: signal?.validated ?? false,
          disputed: signal?.disputed ?? false,
        },
        stale: [
          ...freshness.mismatches.map((m) => `applies to ${m}`),
          ...(freshness.reviewDue ? ['review date passed'] : []),
        ],
        snippet,
        detail: 'snippet' as const,
        context: row.context,
        solution: row.solution,
        why: {
          matched_terms: matched,
          lexical: lexicalRank.get(row.id) ?? null,
          vector: vectorRank.get(row.id) ?? null,
          relevance,
          adjustments,
        },
      };
    });
  const response: SearchResponse = { ...empty, results: top, total_candidates: scored.length };
  return budget
    ? applyBudget(response, budget)
    : { ...response, results: top.map(({ context: _c, solution: _s, ...rest }) => rest) };
}

/** Whole traces while they fit, best first; then snippets; what fits in neither is left out. */
export function applyBudget(response: SearchResponse, budget: number): SearchResponse {
  let used = estimateTokens(JSON.stringify({ ...response, results: [] }));
  const kept: SearchResult[] = [];
  let omitted = 0;
  for (const result of response.results) {
    const full = estimateTokens(JSON.stringify(result));
    const { context: _c, solution: _s, ...short } = result;
    const brief = estimateTokens(JSON.stringify(short));
    if (used + full <= budget) {
      kept.push({ ...result, detail: 'full' });
      used += full;
    } else if (used + brief <= budget) {
      kept.push(short);
      used += brief;
    } else omitted++;
  }
  return { ...response, results: kept, budget: { tokens: budget, used, omitted } };
}

async function lexicalCandidates(table: Table, query: string, where: string | undefined): Promise<Row[]> {
  const expanded = expandForFts(query);
  if (!expanded) return [];
  let q = table.search(expanded, 'fts').select(SEARCH_COLUMNS).limit(CANDIDATES_PER_SIDE);
  if (where) q = q.where(where);
  return (await q.toArray()) as Row[];
}

async function vectorCandidates(
  table: Table,
  query: string,
  where: string | undefined,
  model: string,
  ann: boolean,
): Promise<Row[]> {
  const embedder = await loadEmbedder(model);
  const [vector] = await embedder.embed([query]);
  if (!vector || vector.every((v) => v === 0)) return [];
  let q = table.vectorSearch(vector).distanceType('cosine').select(SEARCH_COLUMNS).limit(CANDIDATES_PER_SIDE);
  // With an IVF_PQ index, re-rank its candidates with the full vectors (see ensureVectorIndex).
  if (ann) q = q.refineFactor(10);
  if (where) q = q.where(where);
  return (await q.toArray()) as Row[];
}
