import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { findRepoRoot } from '../git/repo.js';
import { isDirectory, pathExists } from '../util/fs.js';
import { CONFIG_FILE, readStoreConfig, type StoreConfig } from './config.js';
import { readRegistry, SEEDS_STORE_NAME, unknownStore } from './registry.js';
import { ensureSeedsStore } from './seeds.js';

/** An opened store: where it is, its validated ct.yml, and how it was chosen. */
export interface Store {
  name: string;
  root: string;
  config: StoreConfig;
  /** How the store was chosen: --store, the cwd, the registry's default, or the built-in seeds. */
  source: 'flag' | 'cwd' | 'default' | 'builtin';
}

export interface ResolveOptions {
  /** The --store flag: a registered name or a path to a store checkout. */
  store?: string | undefined;
  cwd?: string;
  /** Progress messages (stderr), e.g. when the seeds store is created on first use. */
  log?: (message: string) => void;
}

/**
 * Picks the store a command works on: --store (a name, else a path), else the store containing
 * the cwd, else the registry's default, else the built-in seeds store (created on first use).
 */
export async function resolveStore(options: ResolveOptions = {}): Promise<Store> {
  const cwd = options.cwd ?? process.cwd();
  const registry = await readRegistry();
  if (options.store) {
    const registered = registry.stores.find((s) => s.name === options.store);
    if (registered) return openStore(registered.path, 'flag', registered.name);
    if (options.store === SEEDS_STORE_NAME)
      return openStore(await ensureSeedsStore(options.log), 'builtin', SEEDS_STORE_NAME);
    const candidate = path.resolve(cwd, options.store);
    if (await isDirectory(candidate)) return openStore((await findStoreRoot(candidate)) ?? candidate, 'flag');
    throw unknownStore(options.store, registry);
  }
  const here = await findStoreRoot(cwd);
  if (here) {
    const registered = registry.stores.find((s) => path.resolve(s.path) === here);
    return openStore(here, 'cwd', registered?.name);
  }
  if (registry.default) {
    const registered = registry.stores.find((s) => s.name === registry.default);
    if (registered) return openStore(registered.path, 'default', registered.name);
  }
  return openStore(await ensureSeedsStore(options.log), 'builtin', SEEDS_STORE_NAME);
}

/** The root of the git checkout containing `dir` when it holds a ct.yml. */
export async function findStoreRoot(dir: string): Promise<string | undefined> {
  if (await pathExists(path.join(dir, CONFIG_FILE))) return path.resolve(dir);
  const root = await findRepoRoot(dir);
  if (root && (await pathExists(path.join(root, CONFIG_FILE)))) return root;
  return undefined;
}

export async function openStore(root: string, source: Store['source'], name?: string): Promise<Store> {
  if (!(await isDirectory(root))) {
    throw new NotFoundError(
      'store-missing',
      `the store directory ${root} does not exist`,
      name ? `re-add it: \`ct store remove ${name}\` then \`ct store add ${name} <url-or-path>\`` : 'check the path',
    );
  }
  const config = await readStoreConfig(root);
  return { name: name ?? config.name, root, config, source };
}
