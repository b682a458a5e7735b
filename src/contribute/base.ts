import { baseBranchOf } from '../forge/publish.js';
import { runGit } from '../git/run.js';
import type { Store } from '../store/store.js';

/**
 * The commit new contributions start from: the remote's base branch (fetched first, briefly,
 * so a contribution is not based on a stale main), else the local base branch, else HEAD.
 */
export async function resolveBase(store: Store): Promise<{ ref: string; branch: string }> {
  const branch = await baseBranchOf(store);
  const remote = store.config.forge.remote;
  const hasRemote = await runGit(store.root, ['remote', 'get-url', remote]).then(
    () => true,
    () => false,
  );
  if (hasRemote) {
    await runGit(store.root, ['fetch', '--quiet', remote, branch], {
      timeoutMs: Math.min(store.config.forge.timeout_seconds, 10) * 1000,
    }).catch(() => undefined);
    const remoteRef = `refs/remotes/${remote}/${branch}`;
    if (
      await runGit(store.root, ['rev-parse', '--verify', '--quiet', remoteRef]).then(
        () => true,
        () => false,
      )
    )
      return { ref: remoteRef, branch };
  }
  const local = `refs/heads/${branch}`;
  if (
    await runGit(store.root, ['rev-parse', '--verify', '--quiet', local]).then(
      () => true,
      () => false,
    )
  )
    return { ref: local, branch };
  return { ref: 'HEAD', branch };
}
