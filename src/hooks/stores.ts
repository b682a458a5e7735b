import path from 'node:path';
import { readRegistry, SEEDS_STORE_NAME } from '../store/registry.js';
import { seedsStoreRoot } from '../store/seeds.js';
import { findStoreRoot, openStore, type Store } from '../store/store.js';
import { isDirectory, pathExists } from '../util/fs.js';

/** A session start reads at most this many stores: each one opens its own index. */
const MAX_STORES = 3;

/**
 * The stores a hook may read, without creating or cloning anything (unlike resolveStore, which
 * builds the seeds store on first use): CT_STORE when set, else the store containing the
 * project, then every registered store; with none registered, the built-in seeds store if an
 * earlier `ct` command already created it. A store that cannot be opened is skipped.
 */
export async function findHookStores(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Store[]> {
  const registry = await readRegistry();
  const open = (root: string, source: Store['source'], name?: string) =>
    openStore(root, source, name).catch(() => undefined);
  const seeds = async () =>
    (await pathExists(path.join(seedsStoreRoot(), 'ct.yml')))
      ? open(seedsStoreRoot(), 'builtin', SEEDS_STORE_NAME)
      : undefined;

  const wanted = env.CT_STORE?.trim();
  if (wanted) {
    const registered = registry.stores.find((s) => s.name === wanted);
    if (registered) return compact([await open(registered.path, 'flag', registered.name)]);
    if (wanted === SEEDS_STORE_NAME) return compact([await seeds()]);
    const candidate = path.resolve(cwd, wanted);
    const root = (await isDirectory(candidate)) ? await findStoreRoot(candidate) : undefined;
    return root ? compact([await open(root, 'flag')]) : [];
  }

  const stores: (Store | undefined)[] = [];
  const here = await findStoreRoot(cwd);
  if (here) stores.push(await open(here, 'cwd', registry.stores.find((s) => path.resolve(s.path) === here)?.name));
  const ordered = [...registry.stores].sort(
    (a, b) => Number(b.name === registry.default) - Number(a.name === registry.default),
  );
  for (const s of ordered)
    if (!here || path.resolve(s.path) !== here) stores.push(await open(s.path, 'default', s.name));
  if (registry.stores.length === 0 && !here) stores.push(await seeds());
  return compact(stores).slice(0, MAX_STORES);
}

function compact(stores: (Store | undefined)[]): Store[] {
  return stores.filter((s): s is Store => s !== undefined);
}
