import fs from 'node:fs/promises';
import path from 'node:path';
import { CtError, ExitCode } from '../errors.js';
import { runGit, tryGit } from '../git/run.js';
import { getDataDir } from '../paths.js';
import { pathExists } from '../util/fs.js';
import { type RegisteredStore, readRegistry, unknownStore, writeRegistry } from './registry.js';

/** Where a pinned store's detached worktree lives: in the data dir, never in the user's checkout. */
export const pinRoot = (name: string): string => path.join(getDataDir(), 'pins', name);

/**
 * Pins a registered store to a commit: searches then answer from that commit (a detached worktree
 * of the store's repository, with its own index), whatever the checkout or `ct sync` do, so an
 * agent in CI gets the same answers every run. `ref` is any commit-ish the repository knows.
 */
export async function pinStore(name: string, ref: string): Promise<RegisteredStore> {
  const registry = await readRegistry();
  const entry = registry.stores.find((s) => s.name === name);
  if (!entry) throw unknownStore(name, registry);
  if (entry.builtin)
    throw new CtError(
      'store-pin-builtin',
      'the built-in seeds store follows the installed package and cannot be pinned',
      {
        hint: 'pin a store you registered with `ct store add`',
        exit: ExitCode.usage,
      },
    );
  if (ref.startsWith('-')) throw new CtError('store-pin-ref', `${ref} is not a commit`, { exit: ExitCode.usage });
  const commit = ((await tryGit(entry.path, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) ?? '').trim();
  if (!commit)
    throw new CtError('store-pin-ref', `${ref} is not a commit of store "${name}" (${entry.path})`, {
      hint: 'give a commit, tag or branch the store has; `ct sync` first if it is only upstream',
      exit: ExitCode.notFound,
    });
  await checkoutPin(entry.path, pinRoot(name), commit);
  entry.pin = commit;
  await writeRegistry(registry);
  return entry;
}

/** Unpins a store: it answers from its checkout again; the pin's worktree is removed. */
export async function unpinStore(name: string): Promise<RegisteredStore> {
  const registry = await readRegistry();
  const entry = registry.stores.find((s) => s.name === name);
  if (!entry) throw unknownStore(name, registry);
  await removePin(entry.path, pinRoot(name));
  delete entry.pin;
  await writeRegistry(registry);
  return entry;
}

/** The root a pinned store answers from, its worktree recreated when something removed it. */
export async function pinnedRoot(entry: RegisteredStore & { pin: string }): Promise<string> {
  const root = pinRoot(entry.name);
  const at = ((await tryGit(root, ['rev-parse', 'HEAD']).catch(() => undefined)) ?? '').trim();
  if (at !== entry.pin) await checkoutPin(entry.path, root, entry.pin);
  return root;
}

async function checkoutPin(repo: string, root: string, commit: string): Promise<void> {
  if (await pathExists(path.join(root, '.git'))) {
    await runGit(root, ['checkout', '--quiet', '--detach', commit]);
    return;
  }
  await fs.rm(root, { recursive: true, force: true });
  await runGit(repo, ['worktree', 'prune']);
  await fs.mkdir(path.dirname(root), { recursive: true });
  await runGit(repo, ['worktree', 'add', '--quiet', '--detach', '--force', root, commit]);
}

async function removePin(repo: string, root: string): Promise<void> {
  await runGit(repo, ['worktree', 'remove', '--force', root]).catch(() => undefined);
  await fs.rm(root, { recursive: true, force: true });
  await runGit(repo, ['worktree', 'prune']).catch(() => undefined);
}
