import { NotFoundError } from '../errors.js';
import { baseBranchOf, remoteUrlOf } from '../forge/publish.js';
import { spawnGit } from '../git/run.js';
import type { Store } from '../store/store.js';

/** Where contributions are reviewed: the remote (if any), the base branch and its refs. */
export interface ReviewContext {
  store: Store;
  root: string;
  /** The remote contribution branches are read from; null when the store has none. */
  remote: string | null;
  /** The branch contributions merge into (ct.yml forge.base_branch, the remote's HEAD, or main). */
  base: string;
  /** What "merged" and diffs are measured against: the remote's base branch, else the local one. */
  baseRef: string;
  /** The local base branch, when it exists. */
  localBaseRef: string | undefined;
  /** Where contribution branches live: refs/remotes/<remote>/ct/ or refs/heads/ct/. */
  branchPrefix: string;
  /** True when the fetch succeeded; false offline (the last fetched state is used). */
  fetched: boolean;
  warnings: string[];
}

/**
 * Opens a store for review: fetches the contribution branches and the base branch with
 * `--prune` (bounded by forge.timeout_seconds; offline, the last fetched state is used), or,
 * for a store with no remote, uses its local ct/* branches.
 */
export async function openReview(store: Store, options: { fetch?: boolean } = {}): Promise<ReviewContext> {
  const root = store.root;
  const base = await baseBranchOf(store);
  const remote = (await remoteUrlOf(store)) ? store.config.forge.remote : null;
  const warnings: string[] = [];
  let fetched = false;
  if (remote && options.fetch !== false) {
    const timeoutMs = Math.min(store.config.forge.timeout_seconds, 30) * 1000;
    // Explicit refspecs: a single-branch clone's configured refspec would not bring ct/* in.
    const specs = [
      `+refs/heads/ct/*:refs/remotes/${remote}/ct/*`,
      `+refs/heads/${base}:refs/remotes/${remote}/${base}`,
    ];
    const result = await spawnGit(root, ['fetch', '--prune', '--quiet', '--no-tags', remote, ...specs], {
      timeoutMs,
    }).catch((e: Error) => ({ code: -1, stderr: e.message }));
    fetched = result.code === 0;
    if (!fetched)
      warnings.push(
        `could not fetch from ${remote} (${result.stderr.trim().split('\n').pop() ?? 'failed'}); showing the branches as last fetched`,
      );
  }
  const localBaseRef = (await refExists(root, `refs/heads/${base}`)) ? `refs/heads/${base}` : undefined;
  const remoteBaseRef =
    remote && (await refExists(root, `refs/remotes/${remote}/${base}`)) ? `refs/remotes/${remote}/${base}` : undefined;
  const baseRef = remoteBaseRef ?? localBaseRef;
  if (!baseRef)
    throw new NotFoundError(
      'base-branch-not-found',
      `the base branch ${base} does not exist ${remote ? `on ${remote} or ` : ''}locally in ${root}`,
      'set forge.base_branch in ct.yml, or create the branch',
    );
  return {
    store,
    root,
    remote,
    base,
    baseRef,
    localBaseRef,
    branchPrefix: remote ? `refs/remotes/${remote}/` : 'refs/heads/',
    fetched,
    warnings,
  };
}

export async function refExists(root: string, ref: string): Promise<boolean> {
  return (await spawnGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0;
}

/** The commit id of a ref, or undefined when it does not exist. */
export async function commitOf(root: string, ref: string): Promise<string | undefined> {
  const result = await spawnGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

/** True when `ancestor` is reachable from `descendant` (or equal). */
export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await spawnGit(root, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
}

/** The working tree that has `ref` checked out (the main one or a linked one), if any. */
export async function worktreeOf(root: string, ref: string): Promise<string | undefined> {
  const list = await spawnGit(root, ['worktree', 'list', '--porcelain']);
  let current: string | undefined;
  for (const line of list.stdout.toString('utf8').split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch ${ref}`) return current;
  }
  return undefined;
}
