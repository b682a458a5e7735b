import { z } from 'zod';
import { CtError, ExitCode } from '../errors.js';
import { gitDetail, spawnGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { findOpenBranch } from './branches.js';
import { openReview, worktreeOf } from './context.js';
import { deleteLocalBranch } from './delete-branch.js';

export const RejectResultSchema = z.object({
  branch: z.string(),
  commit: z.string().describe('The tip that was deleted: restore the branch from it while git still has the objects.'),
  reason: z.string().nullable().describe('The reason given; git has no place to keep it, so it is only reported here.'),
  deleted_remote: z.boolean(),
  deleted_local: z.boolean(),
  restore: z.string().describe('The command that brings the branch back.'),
  message: z.string(),
});
export type RejectResult = z.infer<typeof RejectResultSchema>;

/**
 * `ct review reject <branch>`: deletes the contribution branch on the remote (guarded by a lease
 * on the reviewed tip, so a newer push is never lost) and then the local copy.
 */
export async function rejectContribution(
  store: Store,
  name: string,
  options: { reason?: string } = {},
): Promise<RejectResult> {
  const ctx = await openReview(store);
  const branch = await findOpenBranch(ctx, name);
  const onRemote = ctx.remote !== null && branch.ref.startsWith(`refs/remotes/${ctx.remote}/`);
  let deletedRemote = false;
  if (onRemote && ctx.remote) {
    const args = [
      'push',
      '--porcelain',
      `--force-with-lease=refs/heads/${branch.branch}:${branch.commit}`,
      ctx.remote,
      `:refs/heads/${branch.branch}`,
    ];
    const push = await spawnGit(ctx.root, args, { timeoutMs: store.config.forge.timeout_seconds * 1000 }).catch(
      (e: Error) => ({ code: -1, stderr: e.message, stdout: Buffer.alloc(0) }),
    );
    if (push.code !== 0) {
      throw new CtError(
        'push-failed',
        `could not delete ${branch.branch} on ${ctx.remote}: ${gitDetail(push)}; nothing was changed`,
        {
          exit: ExitCode.network,
          hint: 'check the network and your push rights, then run the command again',
          data: { branch: branch.branch },
        },
      );
    }
    deletedRemote = true;
    await spawnGit(ctx.root, ['update-ref', '-d', branch.ref]);
  }
  const deletedLocal = await deleteLocalBranch(ctx.root, branch.branch, { contains: branch.commit });
  if (!deletedRemote && !deletedLocal) {
    const checkout = await worktreeOf(ctx.root, branch.ref);
    throw new CtError(
      'branch-in-use',
      `${branch.branch} was not deleted${checkout ? `: it is checked out in ${checkout}` : ''}`,
      { exit: ExitCode.git, hint: 'switch that checkout to another branch, then reject again' },
    );
  }
  const restore = onRemote
    ? `git push ${ctx.remote} ${branch.commit}:refs/heads/${branch.branch}`
    : `git branch ${branch.branch} ${branch.commit}`;
  const reason = options.reason?.trim() || null;
  const where = [deletedRemote ? `on ${ctx.remote}` : '', deletedLocal ? 'locally' : ''].filter(Boolean).join(' and ');
  return {
    branch: branch.branch,
    commit: branch.commit,
    reason,
    deleted_remote: deletedRemote,
    deleted_local: deletedLocal,
    restore,
    message: `Rejected ${branch.branch}${where ? ` (deleted ${where})` : ''}${reason ? `: ${reason}` : ''}`,
  };
}
