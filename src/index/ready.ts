import type { Table } from '@lancedb/lancedb';
import type { Store } from '../store/store.js';
import type { UpdateIndexOptions } from './build.js';
import { isIndexFresh } from './fresh.js';
import { modelFor } from './model.js';
import { hasSignals } from './signals.js';
import { type IndexState, readIndexState } from './state.js';
import { connectIndex, openTable } from './table.js';

export interface ReadyOptions extends Pick<UpdateIndexOptions, 'log' | 'onProgress'> {
  /** Bring a missing, stale or unreadable index up to date first (default true). */
  autoUpdate?: boolean;
  /**
   * Trust a freshness check this recent (ms) instead of running git again. The check costs
   * ~100 ms of a 10k-trace search (git rev-parse + git status); a long-running server that answers
   * many queries passes a few seconds here. Default 0: always check.
   */
  freshnessTtlMs?: number;
  /**
   * 'background' (a long-running server): once an index has been found fresh, a search whose
   * check has expired answers from the index as it is and one check (and update, when the store
   * changed) runs beside it, so no query waits on `git status` (~170 ms at 100,000 traces, the
   * p99 of a warm MCP search). Answers lag a change by one check. Default 'inline'.
   */
  revalidate?: 'inline' | 'background';
}

/** An index opened for reading: the table its state names (none when nothing is indexed yet). */
export interface ReadyIndex {
  state: IndexState | undefined;
  table: Table | undefined;
  model: string;
  /** True when this call first brought the index up to date. */
  updated: boolean;
  /** Traces that update embedded (0 when nothing was updated). */
  embedded: number;
}

const freshAt = new Map<string, number>();
/** Background checks in flight, one per store and model. */
const revalidating = new Map<string, Promise<void>>();

/**
 * Forgets every freshness check of this process: the next search of each store checks again
 * before answering. A server calls it after a write of its own (a vote, a contribution), so the
 * agent that wrote never reads an answer from before its write.
 */
export function forgetFreshness(): void {
  freshAt.clear();
}

/**
 * Runs `read` against the store's index, made ready first: updated when stale (unless
 * `autoUpdate` is false), opened at the table its state file names. An index that cannot be
 * queried (damaged files, a foreign format) is rebuilt once and `read` runs again, so a broken
 * index never breaks search; with `autoUpdate: false` the error is the caller's.
 */
export async function readIndex<T>(
  store: Store,
  options: ReadyOptions,
  read: (index: ReadyIndex) => Promise<T>,
): Promise<{ result: T; index: ReadyIndex }> {
  const model = modelFor(store);
  if (store.config.index.remote) {
    // Queried in place on object storage: nothing is built or downloaded here. Votes and flags
    // still come from the checkout.
    const remote = await (await import('./remote.js')).openRemoteIndex(store);
    if (!(await hasSignals(store.root))) await (await import('./signals.js')).writeSignals(store);
    const index: ReadyIndex = { state: remote.state, table: remote.table, model, updated: false, embedded: 0 };
    return { result: await read(index), index };
  }
  const update = {
    ...(options.log ? { log: options.log } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  let updated = false;
  let embedded = 0;
  const key = `${store.root}\0${model}`;
  const ttl = options.freshnessTtlMs ?? 0;
  if (options.autoUpdate !== false && options.revalidate === 'background' && freshAt.has(key)) {
    if (Date.now() - (freshAt.get(key) ?? 0) >= ttl && !revalidating.has(key)) {
      const check = bringUpToDate(store, model, update)
        .then(() => undefined)
        .catch((e: Error) => options.log?.(`updating the index failed: ${e.message.split('\n')[0]}`))
        .finally(() => revalidating.delete(key));
      revalidating.set(key, check);
    }
  } else if (options.autoUpdate !== false && !(await isRecentlyFresh(store.root, model, ttl))) {
    // A check already running beside earlier searches is joined, not repeated.
    await revalidating.get(key);
    embedded = await bringUpToDate(store, model, update, true);
    updated = true;
  }
  try {
    const index = await openIndex(store.root, model, updated, embedded);
    return { result: await read(index), index };
  } catch (e) {
    if (options.autoUpdate === false) throw e;
    const reason = (e as Error).message.split('\n')[0]?.slice(0, 120);
    options.log?.(`The index of "${store.name}" cannot be queried (${reason}): rebuilding it`);
    const { updateIndex } = await import('./build.js');
    embedded += (await updateIndex(store, { ...update, full: true })).embedded;
    const index = await openIndex(store.root, model, true, embedded);
    return { result: await read(index), index };
  }
}

/**
 * Brings an index up to date unless it is fresh (first use of a store that ships its index: fetch and verify
 * it instead of embedding every trace); returns the traces embedded.
 */
async function bringUpToDate(
  store: Store,
  model: string,
  update: UpdateIndexOptions,
  knownStale = false,
): Promise<number> {
  const key = `${store.root}\0${model}`;
  if (!knownStale && (await isIndexFresh(store.root, model))) {
    freshAt.set(key, Date.now());
    return 0;
  }
  // Loaded only here: a search of a fresh index needs none of the index writers (trace parsing,
  // Arrow, the shipped-index verifier), ~40 ms of a cold `ct search`.
  const shipped = await import('./shipped.js');
  if (await shipped.wantsShippedIndex(store))
    await shipped.installShippedIndex(store, { ...(update.log ? { log: update.log } : {}) });
  const { updateIndex } = await import('./build.js');
  const { embedded } = await updateIndex(store, update);
  freshAt.set(key, Date.now());
  return embedded;
}

/** True when the index is fresh, or was found fresh less than `ttlMs` ago. */
async function isRecentlyFresh(root: string, model: string, ttlMs: number): Promise<boolean> {
  const key = `${root}\0${model}`;
  if (ttlMs > 0 && Date.now() - (freshAt.get(key) ?? 0) < ttlMs) return true;
  if (!(await isIndexFresh(root, model))) return false;
  freshAt.set(key, Date.now());
  return true;
}

/**
 * The table the state file names. A rebuild can switch the state between the read and the open:
 * the state is read again once, and a table that is still missing is an error (the index is
 * rebuilt) rather than an empty answer.
 */
async function openIndex(root: string, model: string, updated: boolean, embedded: number): Promise<ReadyIndex> {
  for (let attempt = 0; ; attempt++) {
    const state = await readIndexState(root);
    if (!state || state.traces === 0) return { state, table: undefined, model, updated, embedded };
    const table = await openTable(await connectIndex(root), state.table);
    if (table) return { state, table, model, updated, embedded };
    if (attempt > 0) throw new Error(`the index table ${state.table} named by the index state is missing`);
  }
}
