import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { findRepoRoot } from '../git/repo.js';
import { isDirectory, pathExists } from '../util/fs.js';
import { CONFIG_FILE, readStoreConfig, type StoreConfig } from './config.js';

/** An opened store: where it is, its validated ct.yml, and how it was chosen. */
export interface Store {
  name: string;
  root: string;
  config: StoreConfig;
  /** How the store was chosen: --store, the cwd, the registry's default, or the built-in seeds. */
  source: 'flag' | 'cwd' | 'default' | 'builtin';
  /** How much its results count in a search over several stores (registry weight, default 1). */
  weight?: number;
  /** The commit a pinned store answers from; `root` is then its detached worktree. */
  pin?: string;
  /** A pinned store's own checkout, which `ct sync` pulls and writes start from. */
  checkout?: string;
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
