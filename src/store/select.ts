import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { isDirectory, pathExists } from '../util/fs.js';
import { hasTrace } from './find-trace.js';
import { pinnedRoot } from './pin.js';
import {
  type RegisteredStore,
  type Registry,
  readRegistry,
  SEEDS_STORE_NAME,
  subscriptions,
  unknownStore,
} from './registry.js';
import { ensureSeedsStore, seedsStoreRoot } from './seeds.js';
import { findStoreRoot, openStore, type Store } from './store.js';

/**
 * Which stores a command, the MCP server, the hooks and `ct sync` work on: decided here and
 * nowhere else.
 */
export interface SelectOptions {
  /** --store (or CT_STORE): a registered name, `seeds`, or a path to a store checkout. */
  store?: string | undefined;
  /** Several stores by name or path (the MCP `stores` argument, repeated --store). */
  stores?: readonly string[] | undefined;
  /** Where the command runs: a store containing it is preferred (default: process.cwd()). */
  cwd?: string;
  /**
   * May create the built-in seeds store from the package on first use (default true). The
   * SessionStart hook passes false when it has no time for it.
   */
  createSeeds?: boolean;
  /** Progress messages (stderr), e.g. when the seeds store is created. */
  log?: (message: string) => void;
}

/** A store that could not be opened, and why: reads skip it and say so. */
export interface SkippedStore {
  name: string;
  reason: string;
}

/**
 * The one store a command works on when no trace decides it (`ct contribute`, `ct index`,
 * `ct status`): --store (a name, else a path), else the store containing the cwd, else the
 * registry's default, else the built-in seeds store (created on first use).
 */
export async function selectStore(options: SelectOptions = {}): Promise<Store> {
  const cwd = options.cwd ?? process.cwd();
  const registry = await readRegistry();
  if (options.store) return openNamedStore(options.store, registry, options);
  const here = await findStoreRoot(cwd);
  if (here) return openHere(here, registry);
  const fallback = registry.default ? registry.stores.find((s) => s.name === registry.default) : undefined;
  if (fallback) return openSubscription(fallback, 'default', options);
  return openSeeds(options);
}

/**
 * The stores a read searches (`ct search`, `ct sync`, the MCP server, the SessionStart hook): the
 * ones named, else every subscribed store: the store containing the cwd first, then the
 * registered stores (the default first) and the built-in seeds store unless it was removed. A
 * store that cannot be opened (its directory is gone, its ct.yml is broken) is skipped with the
 * reason: one broken store never stops the others.
 */
export async function selectStores(options: SelectOptions = {}): Promise<{ stores: Store[]; skipped: SkippedStore[] }> {
  const registry = await readRegistry();
  const named = options.stores?.length ? options.stores : options.store ? [options.store] : [];
  if (named.length > 0) {
    const stores = await Promise.all([...new Set(named)].map((n) => openNamedStore(n, registry, options)));
    return { stores: uniqueRoots(stores), skipped: [] };
  }
  const stores: Store[] = [];
  const skipped: SkippedStore[] = [];
  const here = await findStoreRoot(options.cwd ?? process.cwd());
  if (here) stores.push(await openHere(here, registry));
  const ordered = [...subscriptions(registry, seedsStoreRoot())].sort(
    (a, b) => Number(b.name === registry.default) - Number(a.name === registry.default),
  );
  for (const entry of ordered) {
    if (here && path.resolve(entry.path) === here) continue;
    try {
      stores.push(await openSubscription(entry, 'default', options));
    } catch (e) {
      skipped.push({ name: entry.name, reason: (e as Error).message });
      options.log?.(`store "${entry.name}" skipped: ${(e as Error).message}`);
    }
  }
  return { stores: uniqueRoots(stores), skipped };
}

/**
 * The store a write about an existing trace goes to (`ct vote`, `amend`, `flag`): --store, else
 * the subscribed store the trace lives in (the store containing the cwd, then the default, when
 * several have it), else selectStore's choice.
 */
export async function selectStoreFor(traceId: string, options: SelectOptions = {}): Promise<Store> {
  if (options.store) return selectStore(options);
  const { stores } = await selectStores({ ...options, createSeeds: options.createSeeds ?? true });
  for (const store of stores) if (await hasTrace(store.root, traceId)) return store;
  return selectStore(options);
}

/** Of the stores a server reads, the one a write goes to: the one named, else the default, else the first. */
export async function pickStore(stores: readonly Store[], name?: string): Promise<Store> {
  if (name) {
    const found = stores.find((s) => s.name === name);
    if (!found) {
      const names = stores.map((s) => s.name).join(', ') || 'none';
      throw new NotFoundError('store-not-found', `no store named "${name}" is served here`, `stores: ${names}`);
    }
    return found;
  }
  const registry = await readRegistry();
  const chosen = stores.find((s) => s.name === registry.default) ?? stores[0];
  if (!chosen) throw new NotFoundError('store-not-found', 'no store is available', 'register one: ct store add');
  return chosen;
}

async function openNamedStore(name: string, registry: Registry, options: SelectOptions): Promise<Store> {
  const registered = registry.stores.find((s) => s.name === name);
  if (registered) return openSubscription(registered, 'flag', options);
  if (name === SEEDS_STORE_NAME) return openSeeds(options);
  const candidate = path.resolve(options.cwd ?? process.cwd(), name);
  if (await isDirectory(candidate)) return openStore((await findStoreRoot(candidate)) ?? candidate, 'flag');
  throw unknownStore(name, registry);
}

/** A subscribed store as it answers: its pinned worktree when pinned, with its weight. */
async function openSubscription(
  entry: RegisteredStore,
  source: Store['source'],
  options: SelectOptions,
): Promise<Store> {
  if (entry.builtin) return { ...(await openSeeds(options)), weight: entry.weight };
  const root = entry.pin ? await pinnedRoot({ ...entry, pin: entry.pin }) : entry.path;
  const store = await openStore(root, source, entry.name);
  return { ...store, weight: entry.weight, ...(entry.pin ? { pin: entry.pin, checkout: entry.path } : {}) };
}

/** The store containing the cwd, with its registered name and weight when it is registered. */
async function openHere(root: string, registry: Registry): Promise<Store> {
  const registered = registry.stores.find((s) => path.resolve(s.path) === root);
  const store = await openStore(root, 'cwd', registered?.name);
  return registered ? { ...store, weight: registered.weight } : store;
}

/** The built-in seeds store: created on first use unless `createSeeds` is false. */
async function openSeeds(options: SelectOptions): Promise<Store> {
  if (options.createSeeds === false && !(await pathExists(path.join(seedsStoreRoot(), 'ct.yml')))) {
    throw new NotFoundError(
      'store-not-found',
      'the built-in seeds store has not been created yet',
      'run `ct search react` once',
    );
  }
  const root = options.createSeeds === false ? seedsStoreRoot() : await ensureSeedsStore(options.log);
  return openStore(root, 'builtin', SEEDS_STORE_NAME);
}

/** Two registrations of one checkout are one store (the first name wins). */
function uniqueRoots(stores: Store[]): Store[] {
  const seen = new Set<string>();
  return stores.filter((s) => !seen.has(path.resolve(s.root)) && seen.add(path.resolve(s.root)) !== undefined);
}
