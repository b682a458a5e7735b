import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CtError, ExitCode } from '../errors.js';
import { headCommit } from '../git/repo.js';
import { runGit, tryGit } from '../git/run.js';
import { type ReadyOptions, readIndex } from '../index/ready.js';
import { lexicalWeightFor } from '../search/rank.js';
import { type StoreCandidates, searchStores } from '../search/search.js';
import type { StoreConfig } from '../store/config.js';
import { openStore, type Store } from '../store/store.js';
import {
  type BootstrapResult,
  bootstrapMean,
  METRIC_KEYS,
  METRIC_NAMES,
  type MeanInterval,
  type MetricSummary,
  pairedBootstrap,
  type QueryMetrics,
  scoreRanking,
  seededRandom,
} from './metrics.js';
import { type EvalQuery, invalid, readEvalQueries, unknownIds } from './queries.js';

/** Results ranked per query: the metrics look at the top 10. */
const RANKED = 10;

export type MetricName = keyof MetricSummary;

export interface EvalSide {
  /** The commit evaluated (null: a checkout without commits). */
  commit: string | null;
  model: string;
  /** The index's embedding was adapted to the store (ct.yml `embedding.adapt`). */
  adapted: boolean;
  traces: number;
  metrics: Record<MetricName, MeanInterval>;
}

export interface QueryOutcome {
  line: number;
  query: string;
  relevant: string[];
  /** Rank (1-based) of the first relevant trace in the top 10, or null when none is there. */
  rank: number | null;
  /** The top results' ids, best first. */
  top: string[];
}

export interface FloorCheck {
  metric: MetricName;
  floor: number;
  value: number;
  passed: boolean;
}

export interface EvalReport extends EvalSide {
  store: string;
  file: string;
  queries: number;
  floors: FloorCheck[];
  passed: boolean;
  /** With --against: the other version, and the paired difference (this one - the other). */
  against?: EvalSide & { ref: string; difference: Record<MetricName, BootstrapResult> };
  /** With --fit: the fusion's lexical weight fitted on these queries. */
  fit?: FitReport;
  per_query: QueryOutcome[];
}

export interface EvalOptions extends ReadyOptions {
  /** A commit-ish of the store to compare with (evaluated in a temporary worktree). */
  against?: string;
  /** An embedding model to compare with: the other side uses it (at `against`, default HEAD). */
  againstModel?: string;
  /** Fit the fusion's lexical weight (ct.yml search.lexical_weight) on the queries. */
  fit?: boolean;
}

/** Random halvings of the queries behind `--fit`'s held-out estimate, and their seed. */
const FIT_SPLITS = 10;
const FIT_SEED = 20_261_206;

/** Lexical weights `--fit` tries: 0.30 to 1.00 by 0.05 (1.0: BM25 alone). */
export const FIT_WEIGHTS: readonly number[] = Array.from(
  { length: 15 },
  (_, i) => Math.round((0.3 + 0.05 * i) * 100) / 100,
);

export interface FitReport {
  /** The weight the store searches with now (its ct.yml, else the default). */
  current: number;
  /** recall@10 and MRR@10 of every weight tried. */
  weights: { weight: number; recall_at_10: number; mrr_at_10: number }[];
  /** The weight with the best recall@10 + MRR@10 (the current one if none beats it; of equals, the nearest to it). */
  best: number;
  /** best - current, paired over the queries; measured on the queries it was fitted on, so optimistic. */
  difference: { recall_at_10: BootstrapResult; mrr_at_10: BootstrapResult };
  /**
   * recall@10 + MRR@10 of a weight fitted on one half of the queries and measured on the other
   * (both ways, over 10 seeded random halvings, averaged per query), minus the current weight's:
   * what to expect of new queries.
   */
  held_out: BootstrapResult;
  /** Set search.lexical_weight to `best`: it differs from the current weight and the held-out gain is above zero. */
  recommended: boolean;
}

/**
 * `ct eval`: runs a store's labelled queries (ct.yml `eval.queries`, default eval/queries.yml)
 * through the same search as `ct search` and reports recall@5/10, MRR@10 and nDCG@10 with 95%
 * bootstrap intervals, the floors of ct.yml `eval` met or not, and with `against` the same
 * queries on another commit of the store (or with another embedding model: `againstModel`) with
 * the paired difference. Every id a query names
 * must be a trace of the store: a typo would otherwise read as a miss for ever.
 */
export async function evaluateStore(store: Store, options: EvalOptions = {}): Promise<EvalReport> {
  const { file, queries } = await readEvalQueries(store.root, store.config.eval.queries);
  const known = await indexedIds(store, options);
  const problems = unknownIds(queries, known);
  if (problems.length > 0) throw invalid(file, problems);
  // With --fit, the candidates of these searches are kept for the fit's other weights.
  const candidates = options.fit ? new Map<string, Promise<StoreCandidates>>() : undefined;
  const current = await runQueries(store, queries, { ...options, autoUpdate: false }, candidates);
  const floors = checkFloors(store.config.eval, current.side.metrics);
  const report: EvalReport = {
    store: store.name,
    file: path.relative(store.root, file),
    queries: queries.length,
    ...current.side,
    floors,
    passed: floors.every((f) => f.passed),
    per_query: current.outcomes,
  };
  if (candidates) report.fit = await fitLexicalWeight(store, queries, current, candidates);
  if (options.against || options.againstModel) {
    const ref = options.against ?? 'HEAD';
    const model = options.againstModel;
    const other = await atRef(store, ref, (s) =>
      runQueries(model ? { ...s, config: { ...s.config, embedding: { model } } } : s, queries, {
        ...options,
        autoUpdate: true,
      }),
    );
    report.against = {
      ref,
      ...other.side,
      difference: Object.fromEntries(
        METRIC_KEYS.map((k) => [
          METRIC_NAMES[k],
          pairedBootstrap(
            current.perQuery.map((q) => q[k]),
            other.perQuery.map((q) => q[k]),
          ),
        ]),
      ) as Record<MetricName, BootstrapResult>,
    };
  }
  return report;
}

/**
 * `ct eval --fit`: every weight of {@link FIT_WEIGHTS} on the same queries (the index is queried
 * once per query; only the fusion changes), the best by recall@10 + MRR@10, its paired difference
 * with the weight in use, and a held-out estimate (random halvings): a weight picked on some
 * queries looks better on them than it will on the next ones.
 */
async function fitLexicalWeight(
  store: Store,
  queries: readonly EvalQuery[],
  measured: { side: EvalSide; perQuery: QueryMetrics[] },
  candidates: Map<string, Promise<StoreCandidates>>,
): Promise<FitReport> {
  const current = lexicalWeightFor(measured.side.adapted, store.config.search?.lexical_weight);
  // The weight in use was measured already, from the candidates the other weights reuse.
  const scored = new Map<number, QueryMetrics[]>([[current, measured.perQuery]]);
  for (const weight of FIT_WEIGHTS) {
    if (scored.has(weight)) continue;
    const rows: QueryMetrics[] = [];
    for (const q of queries) {
      const response = await searchStores(
        [store],
        { query: q.query, limit: RANKED },
        {
          autoUpdate: false,
          cwd: store.root,
          lexicalWeight: weight,
          candidates,
          ...(q.exclude ? { exclude: q.exclude } : {}),
        },
      );
      rows.push(
        scoreRanking(
          response.results.map((r) => r.id),
          q.relevant,
        ),
      );
    }
    scored.set(weight, rows);
  }
  return fitFromScores(scored, current);
}

/**
 * The fit from every weight's per-query metrics (each list in the queries' order; `current` and
 * every {@link FIT_WEIGHTS} weight present): the best weight, its paired difference with the
 * current one, the held-out gain (random halvings), and whether to recommend it.
 */
export function fitFromScores(scored: ReadonlyMap<number, readonly QueryMetrics[]>, current: number): FitReport {
  const queries = scored.get(current)?.length ?? 0;
  const gainOf = (weight: number, i: number): number => {
    const row = scored.get(weight)?.[i];
    return row ? row.r10 + row.mrr10 : 0;
  };
  /** The best weight on the queries at `positions`: the current one unless another does better; of equals, the nearest. */
  const bestOn = (positions: readonly number[]): number => {
    const total = (weight: number) => positions.reduce((sum, i) => sum + gainOf(weight, i), 0);
    let best = current;
    let bestTotal = total(current);
    for (const weight of FIT_WEIGHTS) {
      const t = total(weight);
      const nearer = Math.abs(weight - current) < Math.abs(best - current);
      if (t > bestTotal + 1e-9 || (Math.abs(t - bestTotal) <= 1e-9 && nearer && best !== current)) {
        best = weight;
        bestTotal = t;
      }
    }
    return best;
  };
  const all = Array.from({ length: queries }, (_, i) => i);
  const best = bestOn(all);
  const now = scored.get(current) as readonly QueryMetrics[];
  const chosen = scored.get(best) as readonly QueryMetrics[];
  // Held out: the queries split in two at random, a weight fitted on each half measured on the
  // other, FIT_SPLITS times (seeded); each query's held-out gain is its mean over the splits, so
  // the estimate does not hang on one arbitrary split.
  const heldOut = new Array<number>(queries).fill(0);
  const random = seededRandom(FIT_SEED);
  for (let split = 0; split < FIT_SPLITS; split++) {
    const order = [...all];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const halves = [order.slice(0, Math.ceil(queries / 2)), order.slice(Math.ceil(queries / 2))];
    for (const [k, measured] of halves.entries()) {
      const fitted = bestOn(halves[1 - k] as number[]);
      for (const i of measured) heldOut[i] = (heldOut[i] as number) + gainOf(fitted, i) / FIT_SPLITS;
    }
  }
  const heldOutNow = all.map((i) => gainOf(current, i));
  const held_out = pairedBootstrap(heldOut, heldOutNow);
  const mean = (rows: readonly QueryMetrics[], k: 'r10' | 'mrr10') =>
    Math.round((rows.reduce((sum, r) => sum + r[k], 0) / Math.max(1, rows.length)) * 1e4) / 1e4;
  return {
    current,
    weights: FIT_WEIGHTS.map((weight) => {
      const rows = scored.get(weight) as readonly QueryMetrics[];
      return { weight, recall_at_10: mean(rows, 'r10'), mrr_at_10: mean(rows, 'mrr10') };
    }),
    best,
    difference: {
      recall_at_10: pairedBootstrap(
        chosen.map((r) => r.r10),
        now.map((r) => r.r10),
      ),
      mrr_at_10: pairedBootstrap(
        chosen.map((r) => r.mrr10),
        now.map((r) => r.mrr10),
      ),
    },
    held_out,
    recommended: best !== current && held_out.ci95[0] > 0,
  };
}

/** The ids of every indexed trace (the index brought up to date first). */
async function indexedIds(store: Store, options: ReadyOptions): Promise<Set<string>> {
  const { result } = await readIndex(store, options, async ({ table }) =>
    table ? ((await table.query().select(['id']).toArray()) as { id: string }[]) : [],
  );
  return new Set(result.map((r) => r.id));
}

async function runQueries(
  store: Store,
  queries: readonly EvalQuery[],
  options: ReadyOptions,
  candidates?: Map<string, Promise<StoreCandidates>>,
): Promise<{ side: EvalSide; perQuery: QueryMetrics[]; outcomes: QueryOutcome[] }> {
  const perQuery: QueryMetrics[] = [];
  const outcomes: QueryOutcome[] = [];
  let model = '';
  let adapted = false;
  let traces = 0;
  let ready = options;
  for (const q of queries) {
    // The store's own root as the project: freshness adjustments must not depend on where ct eval runs.
    const response = await searchStores(
      [store],
      { query: q.query, limit: RANKED },
      {
        ...ready,
        cwd: store.root,
        ...(q.exclude ? { exclude: q.exclude } : {}),
        ...(candidates ? { candidates } : {}),
      },
    );
    ready = { ...options, autoUpdate: false };
    model = response.stores[0]?.model ?? model;
    adapted = response.stores[0]?.adapted ?? adapted;
    traces = response.stores[0]?.traces ?? traces;
    const top = response.results.map((r) => r.id);
    perQuery.push(scoreRanking(top, q.relevant));
    const first = top.findIndex((id) => q.relevant.includes(id));
    outcomes.push({ line: q.line, query: q.query, relevant: q.relevant, rank: first === -1 ? null : first + 1, top });
  }
  const metrics = Object.fromEntries(
    METRIC_KEYS.map((k) => [METRIC_NAMES[k], bootstrapMean(perQuery.map((q) => q[k]))]),
  ) as Record<MetricName, MeanInterval>;
  return { side: { commit: await headCommit(store.root), model, adapted, traces, metrics }, perQuery, outcomes };
}

function checkFloors(config: StoreConfig['eval'], metrics: Record<MetricName, MeanInterval>): FloorCheck[] {
  return METRIC_KEYS.map((k) => METRIC_NAMES[k]).flatMap((metric) => {
    const floor = config[`min_${metric}`];
    if (floor === undefined) return [];
    const value = metrics[metric].mean;
    return [{ metric, floor, value, passed: value >= floor }];
  });
}

/**
 * Runs `work` on the store as of `ref`: a detached worktree in a temp dir, with its own index,
 * removed afterwards whatever happens.
 */
async function atRef<T>(store: Store, ref: string, work: (store: Store) => Promise<T>): Promise<T> {
  const commit = ref.startsWith('-')
    ? undefined
    : (await tryGit(store.root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))?.trim();
  if (!commit)
    throw new CtError('eval-ref', `${ref} is not a commit of store "${store.name}" (${store.root})`, {
      hint: 'give a commit, tag or branch the store has, e.g. --against main or --against HEAD~1',
      exit: ExitCode.notFound,
    });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-eval-'));
  const root = path.join(dir, store.name);
  try {
    await runGit(store.root, ['worktree', 'add', '--quiet', '--detach', root, commit]);
    return await work(await openStore(root, 'flag', store.name));
  } finally {
    await runGit(store.root, ['worktree', 'remove', '--force', root]).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
    await runGit(store.root, ['worktree', 'prune']).catch(() => undefined);
  }
}
