import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table, VectorQuery } from '@lancedb/lancedb';
import { DEFAULT_MODEL, loadEmbedder } from '../../src/embed/embedder.js';
import { seededRandom } from '../../src/eval/metrics.js';
import { updateIndex } from '../../src/index/build.js';
import { connectIndex, openTable, ROW_COLUMNS } from '../../src/index/table.js';
import { getPackageRoot } from '../../src/paths.js';
import { CANDIDATES_PER_SIDE } from '../../src/search/rank.js';
import { openStore } from '../../src/store/store.js';
import { expandForFts } from '../../src/text/tokenize.js';
import { type CorpusDoc, loadCosqaQueries, loadTldrCorpus, missingData } from './eval-data.js';
import { GREP_WORD } from './index-build.js';
import { type LatencySummary, log, summarizeLatencies, timeAsync, timeCommand } from './timing.js';
import { buildTldrStore } from './tldr-store.js';
import { tldrQueries } from './tldr-traces.js';
import { BENCH_TABLE } from './trace-table.js';

const BIN = path.join(getPackageRoot(), 'bin', 'run.js');
const WORKER = fileURLToPath(new URL('./search-worker.js', import.meta.url));
const TABLE_WORKER = fileURLToPath(new URL('./table-worker.js', import.meta.url));
const CLI_QUERY = 'extract a tar archive';
const CLI_RUNS = 7;
const WARM_QUERIES = 200;
const GIT_STORE_SIZES = [1_000, 10_000] as const;
const DIRECT_SIZES = [10_000, 100_000] as const;
/** IVF_PQ is also tried re-ranking this many times the candidates with the full vectors. */
const IVF_REFINE = 10;
/** HNSW_SQ is also tried with a wider search beam (ef) than LanceDB's default. */
const HNSW_EF = 300;
/** Brute-force vector latency (p50) beyond which an ANN index is recommended; see recommendThreshold. */
const FLAT_BUDGET_MS = 25;

/**
 * Search speed and memory as a store grows: whole-process `ct search` at 1k and 10k traces (real
 * git stores), warm searchStores latency at 10k (git store) and 100k (a LanceDB table written
 * directly from tldr pages repeated as variants, since a 100k-file git store takes minutes to
 * create), and where brute-force vector search needs an ANN index (IVF_PQ, HNSW_SQ), with
 * `git grep` over the same traces as the floor.
 */
export async function benchSearchScale(): Promise<Record<string, unknown>> {
  const missing = missingData('tldr/corpus.jsonl');
  if (missing) return { skipped: missing };
  const pages = loadTldrCorpus();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-scale-'));
  try {
    const env = { ...process.env, CT_HOME: path.join(parent, 'ct-home'), NO_COLOR: '1', FORCE_COLOR: '0' };
    const queries = sampleQueries(pages);
    const queriesFile = path.join(parent, 'queries.json');
    fs.writeFileSync(queriesFile, JSON.stringify(queries.all));
    const out: Record<string, unknown> = {
      queries: {
        total: queries.all.length,
        cosqa: queries.cosqa,
        tldr_examples: queries.all.length - queries.cosqa,
        cli_query: CLI_QUERY,
        grep_word: GREP_WORD,
      },
    };

    const cli: Record<string, unknown> = {};
    const warm: Record<string, unknown> = {};
    const floor: Record<string, unknown> = {};
    for (const size of GIT_STORE_SIZES) {
      log(`search-scale: git store of ${size} traces`);
      const made = await buildTldrStore(parent, `scale-${size}`, pages, size);
      const built = await updateIndex(await openStore(made.root, 'flag'), { full: true });
      log(`search-scale: ct search x${CLI_RUNS + 1} at ${size}`);
      const { stdout, ...timing } = timeCommand(
        process.execPath,
        [BIN, 'search', CLI_QUERY, '--store', made.root],
        CLI_RUNS,
        { cwd: parent, env },
      );
      cli[String(size)] = {
        ...timing,
        results: stdout.split('\n').filter((l) => /^\d+\. /.test(l)).length,
        index_build_ms: built.ms,
      };
      floor[String(size)] = gitGrep(made.root, false);
      if (size === 10_000) {
        log('search-scale: warm searchStores at 10k (git store)');
        warm['10000'] = {
          as_shipped_with_freshness_check: runWorker(made.root, queriesFile, 'auto', env),
          index_only: runWorker(made.root, queriesFile, 'index-only', env),
        };
      }
      fs.rmSync(made.root, { recursive: true, force: true });
    }

    const embedder = await loadEmbedder(DEFAULT_MODEL);
    const queryVectors = (await embedder.embed(queries.all))
      .map((v, i) => ({ text: queries.all[i] as string, vector: v }))
      .filter((q) => q.vector.some((x) => x !== 0));
    const vectorStudy: Record<string, unknown> = {};
    for (const size of DIRECT_SIZES) {
      const root = path.join(parent, `direct-${size}`);
      const plain = size === 100_000 ? path.join(parent, 'plain-100000') : undefined;
      log(
        `search-scale: LanceDB table of ${size} synthetic traces${plain ? ' (and the same files in a plain folder for git grep)' : ''}`,
      );
      const entry: Record<string, unknown> = { build: buildDirectTable(root, size, plain, env) };
      const table = (await openTable(await connectIndex(root), BENCH_TABLE)) as Table;
      if (size === 100_000) {
        log('search-scale: warm searchStores at 100k (no ANN index, as shipped)');
        warm['100000'] = {
          index_only: runWorker(root, queriesFile, 'index-only', env),
          note: 'direct LanceDB table, no git: the freshness check does not apply',
        };
        floor['100000'] = gitGrep(plain as string, true);
        fs.rmSync(plain as string, { recursive: true, force: true });
      }
      log(`search-scale: vector-only latency at ${size}: flat, IVF_PQ, HNSW_SQ`);
      Object.assign(entry, await annStudy(table, queryVectors));
      if (size === 100_000) {
        log('search-scale: warm searchStores at 100k with the HNSW_SQ index');
        (warm['100000'] as Record<string, unknown>).index_only_with_hnsw_sq = runWorker(
          root,
          queriesFile,
          'index-only',
          env,
        );
      }
      vectorStudy[String(size)] = entry;
      fs.rmSync(root, { recursive: true, force: true });
    }

    out.cli_cold = {
      ...cli,
      note: `node bin/run.js search "${CLI_QUERY}" --store <path>: median of ${CLI_RUNS} runs after one untimed run; the index was built beforehand; max_rss_mb from /usr/bin/time -v`,
    };
    out.warm_search_store = {
      ...warm,
      note: `searchStores(limit 10) in a fresh process (search-worker.ts), ${queries.all.length} queries after ${10} warm-up queries; RSS sampled during the timed queries`,
    };
    out.vector_search = { ...vectorStudy, threshold: recommendThreshold(vectorStudy) };
    out.lance_fts_deadlock =
      'observed while writing this bench, not re-measured by it: on 2 CPU threads, creating the FTS index (product options) hung at 50k and 60k rows of these traces and finished at 40k; LANCE_CPU_THREADS=cpus+1 avoids it (lance-format/lance#7350). The 10k and 100k tables here are built with that setting in a child process.';
    out.floor_git_grep = {
      ...floor,
      note: `git grep -l -i -F ${GREP_WORD}: over traces/ of the git store, or --no-index over a folder holding the same 100k trace files`,
    };
    return out;
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

/** 100 cosqa queries (when the data is there) and tldr example descriptions, seeded. */
function sampleQueries(pages: readonly CorpusDoc[]): { all: string[]; cosqa: number } {
  const random = seededRandom(3);
  const cosqa = missingData('cosqa-dev/queries.jsonl') ? [] : loadCosqaQueries().map((q) => q.query);
  const picked: string[] = [];
  while (picked.length < Math.min(WARM_QUERIES / 2, cosqa.length))
    picked.push(cosqa.splice(Math.floor(random() * cosqa.length), 1)[0] as string);
  const tldr = tldrQueries(pages, WARM_QUERIES - picked.length);
  // Interleaved, so the warm-up queries and any slow stretch are of both kinds.
  const all: string[] = [];
  for (let i = 0; i < Math.max(picked.length, tldr.length); i++)
    all.push(...[picked[i], tldr[i]].filter((q): q is string => q !== undefined));
  return { all, cosqa: picked.length };
}

/**
 * LanceDB 0.31 (lance 8) deadlocks building an FTS index whose posting lists fill more than one
 * page when its CPU pool has no thread to spare (lance-format/lance#7350): on 2 cores `ct index`
 * hangs from ~50k traces of tldr text. The table is therefore built in a child process given one
 * CPU thread more than the machine has, and everything measured runs without that setting.
 */
function buildDirectTable(
  root: string,
  size: number,
  plain: string | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const threads = env.LANCE_CPU_THREADS ?? String(os.cpus().length + 1);
  const result = spawnSync(process.execPath, [TABLE_WORKER, root, String(size), ...(plain ? [plain] : [])], {
    env: { ...env, LANCE_CPU_THREADS: threads },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`table-worker failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return { ...(JSON.parse(result.stdout) as Record<string, unknown>), lance_cpu_threads: Number(threads) };
}

function runWorker(
  root: string,
  queriesFile: string,
  mode: 'auto' | 'index-only',
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const result = spawnSync(process.execPath, [WORKER, root, queriesFile, mode], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`search-worker failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function gitGrep(dir: string, noIndex: boolean): Record<string, unknown> {
  const args = ['grep', ...(noIndex ? ['--no-index'] : []), '-l', '-i', '-F', GREP_WORD, '--', 'traces/'];
  const { stdout, ...timing } = timeCommand('git', args, 5, { cwd: dir });
  return { ...timing, files_matched: stdout.split('\n').filter(Boolean).length, command: `git ${args.join(' ')}` };
}

interface VectorRun {
  latency: LatencySummary;
  ids: string[][];
}

/**
 * Vector-only queries shaped like the product's (cosine, top CANDIDATES_PER_SIDE, ROW_COLUMNS):
 * brute force, then with an IVF_PQ index (default and refined), then with an HNSW_SQ index, each
 * with its build time and its overlap with the exact top-k. FTS latency on the same table is
 * given for scale: both sides run in parallel, so the slower one sets the pace.
 */
async function annStudy(
  table: Table,
  queries: readonly { text: string; vector: Float32Array }[],
): Promise<Record<string, unknown>> {
  const lancedb = await import('@lancedb/lancedb');
  const run = async (tweak: (q: VectorQuery) => VectorQuery = (q) => q): Promise<VectorRun> => {
    const once = async (v: Float32Array) =>
      (
        (await tweak(
          table
            .vectorSearch(v)
            .distanceType('cosine')
            .select([...ROW_COLUMNS])
            .limit(CANDIDATES_PER_SIDE),
        ).toArray()) as { id: string }[]
      ).map((r) => r.id);
    for (const q of queries.slice(0, 5)) await once(q.vector);
    const ms: number[] = [];
    const ids: string[][] = [];
    for (const q of queries) {
      const started = performance.now();
      ids.push(await once(q.vector));
      ms.push(performance.now() - started);
    }
    return { latency: summarizeLatencies(ms), ids };
  };
  const fts: number[] = [];
  for (const q of queries) {
    const expanded = expandForFts(q.text);
    if (!expanded) continue;
    const started = performance.now();
    await table
      .search(expanded, 'fts')
      .select([...ROW_COLUMNS])
      .limit(CANDIDATES_PER_SIDE)
      .toArray();
    fts.push(performance.now() - started);
  }
  const flat = await run();
  const overlap = (r: VectorRun) => ({
    recall_at_10: meanOverlap(r.ids, flat.ids, 10),
    recall_at_100: meanOverlap(r.ids, flat.ids, CANDIDATES_PER_SIDE),
  });

  const ivfBuild = await timeAsync(() =>
    table.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: 'cosine' }), replace: true }),
  );
  const ivf = await run();
  const ivfRefined = await run((q) => q.refineFactor(IVF_REFINE));
  const hnswBuild = await timeAsync(() =>
    table.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine' }), replace: true }),
  );
  const hnsw = await run();
  const hnswWide = await run((q) => q.ef(HNSW_EF));
  return {
    fts_latency: summarizeLatencies(fts),
    flat: { latency: flat.latency },
    ivf_pq: {
      build_ms: Math.round(ivfBuild.ms),
      options: 'Index.ivfPq({ distanceType: cosine }), defaults otherwise',
      latency: ivf.latency,
      ...overlap(ivf),
    },
    [`ivf_pq_refine_${IVF_REFINE}`]: { latency: ivfRefined.latency, ...overlap(ivfRefined) },
    hnsw_sq: {
      build_ms: Math.round(hnswBuild.ms),
      options: 'Index.hnswSq({ distanceType: cosine }), defaults otherwise',
      latency: hnsw.latency,
      ...overlap(hnsw),
    },
    [`hnsw_sq_ef_${HNSW_EF}`]: { latency: hnswWide.latency, ...overlap(hnswWide) },
  };
}

/** Mean share of the exact top-k that a run also returned in its top k. */
function meanOverlap(got: readonly string[][], truth: readonly string[][], k: number): number {
  let sum = 0;
  truth.forEach((exact, i) => {
    const top = new Set(exact.slice(0, k));
    sum += (got[i] ?? []).slice(0, k).filter((id) => top.has(id)).length / Math.max(1, top.size);
  });
  return Math.round((sum / truth.length) * 1000) / 1000;
}

/**
 * Brute force grows linearly with the table: fit a line through the two sizes. The vector side
 * runs beside FTS, so once it is the slower of the two it sets searchStores's pace; the
 * recommendation is the size where its median passes FLAT_BUDGET_MS (about 4x the FTS side and
 * the rest of searchStores together at 10k here), rounded down to 5k.
 */
function recommendThreshold(study: Record<string, unknown>): Record<string, unknown> {
  type Entry = { flat: { latency: LatencySummary }; fts_latency: LatencySummary };
  const [small, large] = DIRECT_SIZES.map((n) => study[String(n)] as Entry);
  if (!small || !large) return {};
  const [n1, n2] = DIRECT_SIZES;
  const slope = (large.flat.latency.median_ms - small.flat.latency.median_ms) / (n2 - n1);
  const intercept = small.flat.latency.median_ms - slope * n1;
  const rowsAt = (ms: number) => Math.max(0, Math.round((ms - intercept) / slope));
  const ftsSlope = (large.fts_latency.median_ms - small.fts_latency.median_ms) / (n2 - n1);
  const ftsIntercept = small.fts_latency.median_ms - ftsSlope * n1;
  const crossover = slope > ftsSlope ? Math.max(0, Math.round((ftsIntercept - intercept) / (slope - ftsSlope))) : null;
  return {
    flat_ms_per_10k_rows: Math.round(slope * 10_000 * 100) / 100,
    flat_fixed_ms: Math.round(intercept * 100) / 100,
    rows_where_flat_reaches_10ms: rowsAt(10),
    rows_where_flat_reaches_25ms: rowsAt(25),
    rows_where_flat_passes_fts: crossover,
    recommended_ann_threshold_rows: Math.max(5_000, Math.floor(rowsAt(FLAT_BUDGET_MS) / 5_000) * 5_000),
    rule: `build an HNSW_SQ index (cosine) once brute-force vector search passes ${FLAT_BUDGET_MS} ms p50 on this machine; keep brute force below that (exact, no index to train or keep up to date)`,
  };
}
