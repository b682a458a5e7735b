import fs from 'node:fs/promises';
import path from 'node:path';
import { CtError, ExitCode, NotFoundError } from '../errors.js';
import { findRepoRoot, isBareRepo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { getDataDir } from '../paths.js';
import { isDirectory, pathExists } from '../util/fs.js';
import { checkoutStoreBranch } from './clone-branch.js';
import { readStoreConfig } from './config.js';
import { pinStore, unpinStore } from './pin.js';
import {
  type RegisteredStore,
  readRegistry,
  registerStore,
  SEEDS_STORE_NAME,
  subscriptions,
  unknownStore,
  unregisterStore,
  validateStoreName,
  writeRegistry,
} from './registry.js';
import { seedsStoreRoot } from './seeds.js';

const looksLikeUrl = (source: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[\w.-]+@[\w.-]+:/.test(source);

/**
 * Registers a store. A local checkout is registered where it is; a URL (or a bare repository
 * path) is cloned into the data dir first. A clone that turns out not to be a store is removed.
 */
export interface AddStoreOptions {
  /** The name commands use (default: from the URL or folder name). */
  name?: string;
  /** How much its results count in a search over several stores (default 1). */
  weight?: number;
  /** Answer from this commit (see pinStore). */
  pin?: string;
  makeDefault?: boolean;
  log?: (message: string) => void;
}

/**
 * Subscribes to a store: `seeds` (the built-in store, again after `ct store remove seeds`), a
 * local checkout (registered where it is) or a git URL or bare repository (cloned into the data
 * dir). Optionally weighted and pinned.
 */
export async function subscribeStore(
  source: string,
  options: AddStoreOptions = {},
): Promise<{ store: RegisteredStore; isDefault: boolean; branch?: string }> {
  const name = options.name ?? (source === SEEDS_STORE_NAME ? SEEDS_STORE_NAME : nameFromSource(source));
  if (source === SEEDS_STORE_NAME && name === SEEDS_STORE_NAME) return subscribeSeeds(options);
  if (name === SEEDS_STORE_NAME)
    throw new CtError('store-name-reserved', '"seeds" is the name of the built-in store', {
      hint: 'pick another name with --name, or `ct store add seeds` to subscribe to the built-in store again',
      exit: ExitCode.usage,
    });
  const added = await addStore(name, source, options);
  if (options.pin) added.store = await pinStore(name, options.pin);
  return added;
}

/** A store name from a URL or path: its last segment without .git, lowercased, safe characters only. */
export function nameFromSource(source: string): string {
  const last =
    source
      .replace(/[/\\]+$/, '')
      .split(/[/\\:]/)
      .pop() ?? '';
  const name = last
    .replace(/\.git$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);
  if (!name)
    throw new CtError('store-name-missing', `cannot derive a store name from ${source}`, {
      hint: 'give one: ct store add <url-or-path> --name <name>',
      exit: ExitCode.usage,
    });
  return name;
}

async function subscribeSeeds(options: AddStoreOptions): Promise<{ store: RegisteredStore; isDefault: boolean }> {
  const registry = await readRegistry();
  registry.seeds = 'subscribed';
  registry.stores = registry.stores.filter((s) => s.name !== SEEDS_STORE_NAME);
  const store: RegisteredStore = {
    name: SEEDS_STORE_NAME,
    path: seedsStoreRoot(),
    managed: true,
    builtin: true,
    weight: options.weight ?? 1,
    added: new Date().toISOString(),
  };
  registry.stores.push(store);
  if (options.makeDefault) registry.default = SEEDS_STORE_NAME;
  await writeRegistry(registry);
  return { store, isDefault: registry.default === SEEDS_STORE_NAME };
}

export async function addStore(
  name: string,
  source: string,
  options: { makeDefault?: boolean; weight?: number; log?: (message: string) => void } = {},
): Promise<{ store: RegisteredStore; isDefault: boolean; branch?: string }> {
  validateStoreName(name);
  const registry = await readRegistry();
  if (registry.stores.some((s) => s.name === name)) {
    throw new CtError('store-exists', `a store named "${name}" is already registered`, {
      hint: `pick another name, or \`ct store remove ${name}\` first`,
      exit: ExitCode.usage,
    });
  }
  const local = path.resolve(source);
  if (!looksLikeUrl(source) && (await isDirectory(local))) {
    if (!(await isBareRepo(local))) {
      const root = (await findRepoRoot(local)) ?? local;
      await readStoreConfig(root);
      if (!(await pathExists(path.join(root, '.git')))) {
        throw new CtError('store-not-git', `${root} has a ct.yml but is not a git repository`, {
          hint: `run \`git init\` there, or create stores with \`ct init\``,
          exit: ExitCode.git,
        });
      }
      return registerStore({ name, path: root, managed: false, ...weightOf(options) }, options);
    }
  } else if (!looksLikeUrl(source)) {
    throw new NotFoundError(
      'store-source-not-found',
      `${source} is neither a directory nor a git URL`,
      'pass a path to a store checkout, or a clone URL such as https://host/org/traces.git',
    );
  }
  const target = path.join(getDataDir(), 'stores', name);
  if (await pathExists(target)) {
    throw new CtError('store-dir-exists', `${target} already exists`, {
      hint: 'remove it, or choose another name',
      exit: ExitCode.usage,
    });
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  // git runs in the data dir: a relative path to a bare repository must be made absolute first.
  const url = looksLikeUrl(source) ? source : local;
  options.log?.(`Cloning ${url} into ${target}`);
  try {
    // `--` keeps a URL from being read as an option; ext:: URLs would run a command.
    await runGit(path.dirname(target), ['-c', 'protocol.ext.allow=never', 'clone', '--quiet', '--', url, target]);
  } catch (e) {
    await fs.rm(target, { recursive: true, force: true });
    throw new CtError('clone-failed', `could not clone ${source}: ${firstLine((e as Error).message)}`, {
      hint: 'check the URL, your network and your git credentials (try `git clone` by hand)',
      exit: ExitCode.network,
      cause: e,
    });
  }
  let branch: string;
  try {
    const chosen = await checkoutStoreBranch(target, url);
    if (chosen.note) options.log?.(chosen.note);
    branch = chosen.branch;
    await readStoreConfig(target);
  } catch (e) {
    await fs.rm(target, { recursive: true, force: true });
    throw e;
  }
  return {
    ...(await registerStore({ name, path: target, url, managed: true, ...weightOf(options) }, options)),
    branch,
  };
}

const weightOf = (options: { weight?: number }) => (options.weight === undefined ? {} : { weight: options.weight });

/**
 * Unregisters a store; deletes the clone when ct made it (never a user's own checkout). The
 * built-in seeds store is unsubscribed (reads stop searching it) and kept, for `ct store add seeds`.
 */
export async function removeStore(
  name: string,
  options: { keepFiles?: boolean } = {},
): Promise<{ store: RegisteredStore; deleted: boolean }> {
  const registry = await readRegistry();
  if (name === SEEDS_STORE_NAME && registry.seeds !== 'removed') {
    const store = subscriptions(registry, seedsStoreRoot()).find((s) => s.name === SEEDS_STORE_NAME) as RegisteredStore;
    registry.seeds = 'removed';
    registry.stores = registry.stores.filter((s) => s.name !== SEEDS_STORE_NAME);
    if (registry.default === SEEDS_STORE_NAME) registry.default = registry.stores[0]?.name;
    await writeRegistry(registry);
    return { store, deleted: false };
  }
  const pinned = registry.stores.find((s) => s.name === name)?.pin;
  if (pinned) await unpinStore(name);
  if (!registry.stores.some((s) => s.name === name)) throw unknownStore(name, registry);
  const store = await unregisterStore(name);
  const insideDataDir = path.resolve(store.path).startsWith(path.join(getDataDir(), 'stores') + path.sep);
  const deleted = store.managed && insideDataDir && !options.keepFiles;
  if (deleted) await fs.rm(store.path, { recursive: true, force: true });
  return { store, deleted };
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())[0] ?? text
  );
}
