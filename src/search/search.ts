import type { Table } from '@lancedb/lancedb';
import { titleTokens } from '../check/similar-titles.js';
import { type AdaptationRef, loadEmbedder } from '../embed/embedder.js';
import { parseInput, UsageError } from '../errors.js';
import { type ReadyOptions, readIndex } from '../index/ready.js';
import { loadSignals } from '../index/signals.js';
import { adaptationRef } from '../index/state.js';
import { FTS_FIELDS, ROW_COLUMNS, type TraceRow } from '../index/table.js';
import { detectProjectVersions, judgeFreshness, type ProjectVersions } from '../project/versions.js';
import { loadRegistryCache, type RegistryCache } from '../staleness/cache.js';
import { describeStale, judgeFromCache } from '../staleness/judge.js';
import { normalizeTag } from '../store/config.js';
import type { Store } from '../store/store.js';
import { STOP_WORDS } from '../text/stop-words.js';
import { expandForFts, tokenize } from '../text/tokenize.js';
import { summarizeTrust, type TraceSignals } from '../trust/signals.js';
import { applyBudget } from './budget.js';
import {
  type Adjustment,
  adjustmentsFor,
  CANDIDATES_PER_SIDE,
  codeShiftFor,
  fuseScores,
  lexicalWeightFor,
  round,
  traceCodeShare,
  traceLexicalWeight,
} from './rank.js';
import {
  type SearchInput,
  SearchInputSchema,
  type SearchOptions,
  type SearchResponse,
  type SearchResult,
} from './schema.js';
import { makeSnippet } from './snippet.js';

export interface SearchContext extends ReadyOptions {
  /** Where the user's project is, for judging applies_to (default: cwd). */
  cwd?: string;
  /** The project's versions when the caller already has them (the hook searches once per topic). */
  project?: ProjectVersions;
  /**
   * Trace ids searched as if they were not in any store: left out of both candidate lists, so they
   * weigh neither in the fusion's normalisation nor in the ranking (the evaluation of a set whose
   * query is itself a document of the corpus, as seamonkey-dup's are).
   */
  exclude?: readonly string[];
  /**
   * The fusion's lexical weight for every store, instead of each store's own (`ct eval --fit`
   * trying weights on the same queries).
   */
  lexicalWeight?: number;
  /**
   * Candidates kept per store and query between calls that differ only in how they are fused
   * (`ct eval --fit`): the index is queried once per query, not once per weight tried.
   */
  candidates?: Map<string, Promise<StoreCandidates>>;
}

/** A candidate as LanceDB returns it: the searched columns plus its BM25 score or distance. */
type Row = Pick<
  TraceRow,
  'id' | 'path' | 'title' | 'tags' | 'created' | 'status' | 'applies_to' | 'review_after' | 'context' | 'solution'
> & { _score?: number; _distance?: number };

/** Columns a search reads: not the full body or the token text, which only the index needs. */
const SEARCH_COLUMNS = ROW_COLUMNS.filter((c) => c !== 'body' && c !== 'blob' && c !== 'chars');

/** A scored candidate of one store, before the stores are merged. */
interface Scored {
  store: string;
  row: Row;
  appliesTo: Record<string, string>;
  stale: string[];
  adjustments: Adjustment[];
  relevance: number;
  score: number;
  trust: SearchResult['trust'];
  why: Pick<SearchResult['why'], 'lexical' | 'vector' | 'query_coverage' | 'lexical_weight' | 'code_share'>;
  weight: number;
  titleTokens: Set<string>;
  /** Copies of this trace in other stores, folded into it. */
  alsoIn: { store: string; id: string }[];
}

/** Titles this alike in two stores are one trace (the near-duplicate check of contributions uses 0.85 too). */
const SAME_TRACE_TITLE = 0.85;

/**
 * The best `limit` candidates, best first, with a trace that several stores hold (the same id, or
 * a near-identical title) shown once: where it scores best, the other stores listed in `also_in`.
 */
function keepDistinct(candidates: readonly Scored[], limit: number): Scored[] {
  const kept: Scored[] = [];
  for (const c of candidates) {
    const twin = kept.find(
      (k) =>
        k.store !== c.store && (k.row.id === c.row.id || jaccard(k.titleTokens, c.titleTokens) >= SAME_TRACE_TITLE),
    );
    if (twin) {
      if (!twin.alsoIn.some((a) => a.store === c.store)) twin.alsoIn.push({ store: c.store, id: c.row.id });
      continue;
    }
    if (kept.length < limit) kept.push(c);
  }
  return kept;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size < 3 || b.size < 3) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Hybrid search over one or more stores, the one search every edge calls (`ct search`, the MCP
 * `search_traces` tool, the SessionStart hook, the duplicate check): per store, full-text (BM25 over
 * code-aware tokens) and vector candidates, fused, adjusted for trust, validation, disputes and
 * freshness; then the stores merged into one ranking, cut to the limit and the budget. Every
 * factor is in `why`. With several stores, one that cannot be searched is named in `stores` and
 * `notes` and the others still answer; a single store's error is thrown.
 */
export async function searchStores(
  stores: readonly Store[],
  input: SearchInput,
  context: SearchContext = {},
): Promise<SearchResponse> {
  const options = parseSearchInput(input);
  const [project, registry] = await Promise.all([
    context.project ?? detectProjectVersions(context.cwd ?? process.cwd()),
    // Only what `ct stale` cached: search never waits on the network.
    loadRegistryCache(),
  ]);
  const notes: string[] = [];
  const searched = await Promise.all(
    stores.map(async (store) => {
      const log = (message: string) => {
        notes.push(`${store.name}: ${message}`);
        context.log?.(message);
      };
      try {
        if (!context.candidates) return await searchOneStore(store, options, { ...context, log });
        const key = `${store.root}\0${options.query}\0${options.tags.join(',')}\0${context.exclude?.join(' ') ?? ''}`;
        const cached = context.candidates.get(key) ?? searchOneStore(store, options, { ...context, log });
        context.candidates.set(key, cached);
        return await cached;
      } catch (e) {
        if (stores.length === 1) throw e;
        const error = (e as Error).message.split('\n')[0] ?? 'unknown error';
        log(`skipped: ${error}`);
        const summary = { name: store.name, traces: 0, model: '', updated: false, error };
        return { store, summary, lexical: [], vector: [], signals: new Map() } satisfies StoreCandidates;
      }
    }),
  );
  // Ties by code point, not localeCompare: ids and store names are ASCII, and the first
  // localeCompare of a process loads ICU collation (~20 ms of a cold search).
  const candidates = scoreCandidates(searched, project, registry, options.query, context.lexicalWeight).sort(
    (a, b) => b.score - a.score || byCodePoint(a.row.id, b.row.id) || byCodePoint(a.store, b.store),
  );
  const results = keepDistinct(candidates, options.limit).map((c) => toResult(c, options.query));
  const response: SearchResponse = {
    query: options.query,
    tags: stores[0] ? normalizeTags(options.tags, stores[0]) : options.tags,
    stores: searched.map((s) => s.summary),
    results,
    total_candidates: candidates.length,
    budget: null,
    notes,
  };
  if (options.budget !== undefined) return applyBudget(response, options.budget, options.detail);
  if (options.detail === 'full') return response;
  return {
    ...response,
    results: results.map(({ context: _c, solution: _s, ...rest }) => ({ ...rest, detail: 'snippet' as const })),
  };
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The search input validated, with a usage error naming the field. */
export function parseSearchInput(input: SearchInput): SearchOptions {
  const hint = 'ct search "<error message or task>" [--tag t] [--limit n] [--budget tokens]';
  return parseInput(SearchInputSchema, input, {
    code: 'usage',
    hint,
    make: (message) => new UsageError(`invalid search: ${message}`, hint),
  });
}

/** One store's raw candidates: what its index returned for both sides, and its trust signals. */
export interface StoreCandidates {
  store: Store;
  summary: SearchResponse['stores'][number];
  lexical: Row[];
  vector: Row[];
  signals: Map<string, TraceSignals>;
}

async function searchOneStore(store: Store, options: SearchOptions, context: SearchContext): Promise<StoreCandidates> {
  const tags = normalizeTags(options.tags, store);
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const clauses = tags.map((t) => `array_has(tags, ${quote(t)})`);
  if (context.exclude?.length) clauses.push(`id NOT IN (${context.exclude.map(quote).join(', ')})`);
  const where = clauses.length > 0 ? clauses.join(' AND ') : undefined;
  const { result, index } = await readIndex(store, context, async ({ table, model, state }) =>
    table
      ? Promise.all([
          lexicalCandidates(table, options.query, where),
          vectorCandidates(table, options.query, where, model, state?.ann ?? false, adaptationRef(store.root, state)),
        ])
      : ([[], []] as Row[][]),
  );
  const summary = {
    name: store.name,
    traces: index.state?.traces ?? 0,
    model: index.model,
    updated: index.updated,
    ...(index.updated ? { embedded: index.embedded } : {}),
    ...(index.state ? { index_source: index.state.source.type } : {}),
    ...(index.state?.adaptation ? { adapted: true } : {}),
  };
  const [lexical, vector] = result;
  const signals = lexical.length > 0 ? await loadSignals(store.root) : new Map<string, TraceSignals>();
  return { store, summary, lexical, vector, signals };
}

/**
 * Every store's candidates scored for one ranking. Within a store, both sides are min-max
 * normalised over its candidates and fused (the weights measured on the dev sets). Across
 * stores, BM25 scores are not comparable (each index has its own term statistics: in a store of
 * ten traces every match scores low) and min-max gives every store's best hit the top score,
 * however poor: so with several stores each candidate's relevance is also multiplied by the share
 * of the query's terms it contains, which means the same in every store. Then the store's weight,
 * and the adjustments for trust, validation, disputes and freshness from that store's signals.
 *
 * Vector search always returns its nearest traces, however far: for a query that shares no term
 * with any trace (a typo'd error, gibberish) those are noise, and the static embedding's
 * similarities are not calibrated enough to cut them by a threshold. So a result must match the
 * query lexically; the embedding re-ranks among those (see test/bench/eval-search.ts).
 */
function scoreCandidates(
  searched: readonly StoreCandidates[],
  project: ProjectVersions,
  registry: RegistryCache,
  query: string,
  lexicalWeight: number | undefined,
): Scored[] {
  const terms = searched.length > 1 ? queryTerms(query) : new Set<string>();
  return searched.flatMap(({ store, summary, lexical, vector, signals }) => {
    const adapted = summary.adapted === true;
    const base = lexicalWeight ?? lexicalWeightFor(adapted, store.config.search?.lexical_weight);
    // Only lexical candidates are ranked (see above), so only theirs are needed.
    const shares = new Map(lexical.map((r) => [r.id, traceCodeShare(r)]));
    const shift = codeShiftFor(summary.model, adapted);
    const alphaOf = (id: string) => traceLexicalWeight(base, shares.get(id) ?? 0, shift);
    const fused = fuseScores(
      lexical.map((r) => ({ id: r.id, score: r._score ?? 0 })),
      vector.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) })),
      alphaOf,
    );
    const vectorRank = new Map(
      vector.map((r, n) => [r.id, { rank: n + 1, similarity: round(1 - (r._distance ?? 1)) }]),
    );
    const weight = store.weight ?? 1;
    return lexical.map((row, n): Scored => {
      const appliesTo = JSON.parse(row.applies_to || '{}') as Record<string, string>;
      const freshness = judgeFreshness(appliesTo, row.review_after || undefined, project);
      // A range the user's project satisfies still fits them, whatever the registry's latest is.
      const outdated =
        registry.size === 0
          ? []
          : judgeFromCache(appliesTo, Array.from(row.tags ?? []), registry).stale.filter(
              (s) => !freshness.matches.some((m) => m.startsWith(`${s.key} `)),
            );
      const signal = signals.get(row.id);
      const adjustments = adjustmentsFor(signal, row.status, freshness, outdated);
      const coverage = terms.size > 0 ? termCoverage(terms, row) : 1;
      const relevance = round((fused.get(row.id) ?? 0) * coverage * weight);
      return {
        store: store.name,
        row,
        appliesTo,
        stale: [
          ...freshness.mismatches.map((m) => `applies to ${m}`),
          ...outdated.map(describeStale),
          ...(freshness.reviewDue ? ['review date passed'] : []),
        ],
        adjustments,
        relevance,
        score: round(relevance + adjustments.reduce((sum, a) => sum + a.delta, 0)),
        trust: summarizeTrust(signal),
        why: {
          lexical: { rank: n + 1, score: round(row._score ?? 0) },
          vector: vectorRank.get(row.id) ?? null,
          query_coverage: terms.size > 0 ? round(coverage) : null,
          lexical_weight: round(alphaOf(row.id)),
          code_share: round(shares.get(row.id) ?? 0),
        },
        weight,
        titleTokens: new Set(titleTokens(row.title)),
        alsoIn: [],
      };
    });
  });
}

/** The distinct code-aware tokens of a query, for measuring how much of it a trace contains. */
function queryTerms(query: string): Set<string> {
  return new Set(tokenize(query, { whole: false }).filter((t) => t.length > 1 && !STOP_WORDS.has(t)));
}

/**
 * The share of the query's terms a trace contains: the mean of the share in its title (a trace's
 * title states its problem, so a title that names the query is the strongest sign) and the share
 * anywhere in its title, tags, context and solution.
 */
function termCoverage(terms: ReadonlySet<string>, row: Row): number {
  const title = new Set(tokenize(row.title, { whole: false }));
  const all = new Set(
    tokenize(`${row.title} ${[...row.tags].join(' ')} ${row.context} ${row.solution}`, { whole: false }),
  );
  let inTitle = 0;
  let anywhere = 0;
  for (const t of terms) {
    if (title.has(t)) inTitle++;
    if (all.has(t)) anywhere++;
  }
  return (inTitle + anywhere) / (2 * terms.size);
}

/** A kept candidate as a result, with its snippet (built only for what is kept). */
function toResult(c: Scored, query: string): SearchResult {
  const { snippet, matched } = makeSnippet(query, c.row.context, c.row.solution);
  return {
    store: c.store,
    id: c.row.id,
    title: c.row.title,
    tags: [...c.row.tags],
    path: c.row.path,
    created: c.row.created,
    status: c.row.status,
    applies_to: c.appliesTo,
    score: c.score,
    trust: c.trust,
    stale: c.stale,
    snippet,
    detail: 'full',
    context: c.row.context,
    solution: c.row.solution,
    why: {
      matched_terms: matched,
      ...c.why,
      relevance: c.relevance,
      store_weight: c.weight,
      adjustments: c.adjustments,
    },
    also_in: c.alsoIn,
  };
}

function normalizeTags(tags: readonly string[], store: Store): string[] {
  return tags.map((t) => normalizeTag(t, store.config.tags.aliases));
}

async function lexicalCandidates(table: Table, query: string, where: string | undefined): Promise<Row[]> {
  const q = await lexicalQuery(table, query);
  if (!q) return [];
  return (await (where ? q.where(where) : q).select(SEARCH_COLUMNS).limit(CANDIDATES_PER_SIDE).toArray()) as Row[];
}

/**
 * The full-text query of a search: the query's code-aware tokens matched in every FTS_FIELDS
 * column, scored by the weighted sum of the columns' BM25 (undefined for a query without tokens).
 * A boolean "should" query sums its clauses' scores; LanceDB's multi-match query takes the best
 * column's instead (measured: with it the weights changed nothing).
 */
export async function lexicalQuery(table: Table, query: string) {
  const expanded = expandForFts(query);
  if (!expanded) return undefined;
  const { BooleanQuery, MatchQuery, Occur } = await import('@lancedb/lancedb');
  const fields = new BooleanQuery(
    FTS_FIELDS.map((f) => [Occur.Should, new MatchQuery(expanded, f.column, { boost: f.weight })]),
  );
  return table.search(fields, 'fts');
}

async function vectorCandidates(
  table: Table,
  query: string,
  where: string | undefined,
  model: string,
  ann: boolean,
  adaptation: AdaptationRef | undefined,
): Promise<Row[]> {
  const embedder = await loadEmbedder(model, adaptation);
  const [vector] = await embedder.embed([query]);
  if (!vector || vector.every((v) => v === 0)) return [];
  let q = table.vectorSearch(vector).distanceType('cosine').select(SEARCH_COLUMNS).limit(CANDIDATES_PER_SIDE);
  // With an IVF_PQ index, re-rank its candidates with the full vectors (see ensureVectorIndex).
  if (ann) q = q.refineFactor(10);
  if (where) q = q.where(where);
  return (await q.toArray()) as Row[];
}
