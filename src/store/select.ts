import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { isDirectory, pathExists } from '../util/fs.js';
import { type Registry, readRegistry, SEEDS_STORE_NAME, unknownStore } from './registry.js';
import { ensureSeedsStore, seedsStoreRoot } from './seeds.js';
import { findStoreRoot, openStore, type Store } from './store.js';

/**
 * Which stores a command, the MCP server, the hooks and `ct sync` work on: decided here and
 * nowhere else.
 */
export interface SelectOptions {
  /** --store (or CT_STORE): a registered name, `seeds`, or a path to a store checkout. */
  store?: string | undefined;
  /** Where the command runs: a store containing it is preferred (default: process.cwd()). */
  cwd?: string;
  /**
   * May create the built-in seeds store from the package on first use (default true). The
   * SessionStart hook passes false: it must not spend its time budget on it.
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
 * The one store a command works on (writes, `ct index`, `ct status`): --store (a name, else a
 * path), else the store containing the cwd, else the registry's default, else the built-in seeds
 * store (created on first use).
 */
export async function selectStore(options: SelectOptions = {}): Promise<Store> {
  const cwd = options.cwd ?? process.cwd();
  const registry = await readRegistry();
  if (options.store) return openNamedStore(options.store, registry, options);
  const here = await findStoreRoot(cwd);
  if (here) return openStore(here, 'cwd', registeredAt(registry, here)?.name);
  const fallback = registry.default ? registry.stores.find((s) => s.name === registry.default) : undefined;
  if (fallback) return openStore(fallback.path, 'default', fallback.name);
  return openSeeds(options);
}

/**
 * The stores a read searches (`ct sync`, the MCP server, the SessionStart hook): with --store,
 * that one; else the store containing the cwd, then every registered store (the default first);
 * with none of those, the built-in seeds store. A store that cannot be opened (its directory is
 * gone, its ct.yml is broken) is skipped with the reason: one broken store never stops the others.
 */
export async function selectStores(options: SelectOptions = {}): Promise<{ stores: Store[]; skipped: SkippedStore[] }> {
  const registry = await readRegistry();
  if (options.store) return { stores: [await openNamedStore(options.store, registry, options)], skipped: [] };
  const stores: Store[] = [];
  const skipped: SkippedStore[] = [];
  const here = await findStoreRoot(options.cwd ?? process.cwd());
  if (here) stores.push(await openStore(here, 'cwd', registeredAt(registry, here)?.name));
  const ordered = [...registry.stores].sort(
    (a, b) => Number(b.name === registry.default) - Number(a.name === registry.default),
  );
  for (const entry of ordered) {
    if (here && path.resolve(entry.path) === here) continue;
    try {
      stores.push(await openStore(entry.path, 'default', entry.name));
    } catch (e) {
      skipped.push({ name: entry.name, reason: (e as Error).message });
      options.log?.(`store "${entry.name}" skipped: ${(e as Error).message}`);
    }
  }
  if (stores.length === 0 && skipped.length === 0) {
    const seeds = await openSeeds(options).catch((e: Error) => {
      skipped.push({ name: SEEDS_STORE_NAME, reason: e.message });
      return undefined;
    });
    if (seeds) stores.push(seeds);
  }
  return { stores, skipped };
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
  if (registered) return openStore(registered.path, 'flag', registered.name);
  if (name === SEEDS_STORE_NAME) return openSeeds(options);
  const candidate = path.resolve(options.cwd ?? process.cwd(), name);
  if (await isDirectory(candidate)) return openStore((await findStoreRoot(candidate)) ?? candidate, 'flag');
  throw unknownStore(name, registry);
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
  return openStore(
    options.createSeeds === false ? seedsStoreRoot() : await ensureSeedsStore(options.log),
    'builtin',
    SEEDS_STORE_NAME,
  );
}

const registeredAt = (registry: Registry, root: string) => registry.stores.find((s) => path.resolve(s.path) === root);
