import { baseBranchOf } from '../forge/publish.js';
import { runGit, tryGit } from '../git/run.js';
import { isBuiltinStore } from '../store/seeds.js';
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

/**
 * What a write to a store without a remote means, said before it is committed: it stays on this
 * machine. The built-in seeds store never gets a remote (ct makes and updates it), so a write
 * there is not queued for `ct publish` either; the message points to where it can be shared.
 */
export async function localOnlyNotice(store: Store, what: string): Promise<string | undefined> {
  if (isBuiltinStore(store))
    return (
      `the trace is in the built-in seeds store, which is yours alone: this ${what} stays on this machine and ` +
      'counts nowhere else. To share it, subscribe to a community store that has this trace ' +
      '(`ct store add <url>`) and use --store <name>.'
    );
  const remote = store.config.forge.remote;
  if (await tryGit(store.root, ['remote', 'get-url', remote])) return undefined;
  return (
    `store "${store.name}" has no remote "${remote}": this ${what} stays on a local branch until you add one ` +
    `(git -C ${store.root} remote add ${remote} <url>) and run \`ct publish\`.`
  );
}
