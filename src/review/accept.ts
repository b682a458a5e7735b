import { z } from 'zod';
import { CtError, ExitCode, GitError } from '../errors.js';
import { getGitVersion, identityEnv, requireGitIdentity } from '../git/repo.js';
import { gitDetail, spawnGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { findOpenBranch, type OpenBranch } from './branches.js';
import { readBranchChanges } from './changes.js';
import { checkCommit, ReviewCheckWithProblemsSchema } from './check-tree.js';
import { commitOf, isAncestor, openReview, type ReviewContext, worktreeOf } from './context.js';
import { deleteLocalBranch } from './delete-branch.js';

export const AcceptResultSchema = z.object({
  branch: z.string(),
  commit: z.string().describe('The tip of the accepted branch.'),
  base: z.string().describe('The branch it was merged into.'),
  merge: z.string().describe('The merge commit now at the tip of the base branch.'),
  updated: z
    .enum(['checkout', 'ref', 'none'])
    .describe(
      "How the local base branch took the merge. checkout: the maintainer's checkout of it was fast-forwarded (git merge --ff-only); ref: moved by plumbing (update-ref), no working tree touched; none: it could not follow (see warnings), the remote has the merge.",
    ),
  pushed: z.boolean().describe('True when the base branch was pushed (and the contribution branch deleted there).'),
  deleted_remote: z.boolean(),
  deleted_local: z.boolean(),
  forced: z.boolean().describe('True when merged with --force despite check errors.'),
  check: ReviewCheckWithProblemsSchema.describe(
    '`ct check` of the merged tree, limited to the files the branch changes.',
  ),
  warnings: z.array(z.string()),
  message: z.string(),
});
export type AcceptResult = z.infer<typeof AcceptResultSchema>;

export interface AcceptOptions {
  /** Merge even when the check finds errors. */
  force?: boolean;
  /** Merge locally only: no push, the remote branch stays. */
  noPush?: boolean;
  onProgress?: (message: string) => void;
}

const ZERO = '0000000000000000000000000000000000000000';

/**
 * `ct review accept <branch>`: merges a contribution into the base branch and publishes it.
 * The merge commit is built by plumbing first (`git merge-tree --write-tree`, commit-tree), so a
 * conflict or a failing check changes nothing. `ct check` runs on that merged tree (what will
 * really land, against the newest base). One atomic push then updates the remote base branch
 * and deletes the contribution branch (guarded by a lease on its tip). Last, the local base
 * branch follows: a checkout of it is fast-forwarded to the merge (`git merge --ff-only`, which
 * refuses to overwrite local changes), otherwise the ref is moved with its expected old value.
 */
export async function acceptContribution(
  store: Store,
  name: string,
  options: AcceptOptions = {},
): Promise<AcceptResult> {
  await requireMergeTree();
  const ctx = await openReview(store);
  const branch = await findOpenBranch(ctx, name);
  const identity = await requireGitIdentity(ctx.root);
  const pushing = !options.noPush && ctx.remote !== null;
  const target = await chooseMergeTarget(ctx, pushing);

  const merged = await spawnGit(ctx.root, [
    'merge-tree',
    '--write-tree',
    '--name-only',
    '--no-messages',
    target.start,
    branch.commit,
  ]);
  const [tree, ...conflicted] = merged.stdout.toString('utf8').split('\n').filter(Boolean);
  if (merged.code === 1) {
    throw new CtError(
      'merge-conflict',
      `${branch.branch} conflicts with ${ctx.base} in ${conflicted.join(', ') || 'some files'}; nothing was changed`,
      {
        exit: ExitCode.git,
        hint: `ask the contributor to rebase the branch on ${ctx.base}, or merge it by hand (git merge ${branch.ref})`,
        data: { branch: branch.branch, files: conflicted },
      },
    );
  }
  if (merged.code !== 0 || !tree) throw new GitError(`git merge-tree failed: ${gitDetail(merged)}`);
  const message = `Merge ${branch.branch}: ${branch.subject}\n\nAccepted with \`ct review accept\`${options.force ? ' --force' : ''}.\n`;
  const commit = await spawnGit(ctx.root, ['commit-tree', tree, '-p', target.start, '-p', branch.commit, '-F', '-'], {
    input: message,
    env: identityEnv(identity),
  });
  if (commit.code !== 0) throw new GitError(`git commit-tree failed: ${gitDetail(commit)}`);
  const merge = commit.stdout.toString('utf8').trim();

  options.onProgress?.(`checking the merge of ${branch.branch}`);
  const { files } = await readBranchChanges(ctx.root, ctx.baseRef, branch.commit);
  const check = await checkCommit(ctx.root, merge, files, target.start);
  if (!check.ok && !options.force) {
    throw new CtError(
      'review-check-failed',
      `${branch.branch} fails \`ct check\` with ${check.errors} error(s); nothing was merged`,
      {
        exit: ExitCode.checkFailed,
        hint: `see them with \`ct review show ${branch.branch}\`; ask for a fix, reject it, or accept anyway with --force`,
        data: { branch: branch.branch, problems: check.problems },
      },
    );
  }

  // Publish first: when the push fails, nothing has changed anywhere. Once the remote has the
  // merge, a local base branch that cannot follow (local changes in the way) is only a warning.
  let pushed = false;
  let deletedRemote = false;
  const warnings: string[] = [];
  if (pushing && ctx.remote) {
    const onRemote = branch.ref.startsWith(`refs/remotes/${ctx.remote}/`);
    const args = [
      'push',
      '--porcelain',
      '--atomic',
      ...(onRemote ? [`--force-with-lease=refs/heads/${branch.branch}:${branch.commit}`] : []),
      ctx.remote,
      `${merge}:refs/heads/${ctx.base}`,
      ...(onRemote ? [`:refs/heads/${branch.branch}`] : []),
    ];
    options.onProgress?.(`pushing ${ctx.base} to ${ctx.remote}`);
    const push = await spawnGit(ctx.root, args, { timeoutMs: store.config.forge.timeout_seconds * 1000 }).catch(
      (e: Error) => ({ code: -1, stderr: e.message, stdout: Buffer.alloc(0) }),
    );
    if (push.code !== 0) {
      throw new CtError(
        'push-failed',
        `could not push the merge of ${branch.branch} to ${ctx.remote}: ${gitDetail(push)}; nothing was changed`,
        {
          exit: ExitCode.network,
          hint: `check the network and your push rights (if ${ctx.base} or the branch moved on ${ctx.remote} meanwhile, run the command again), or merge locally only with --no-push`,
          data: { branch: branch.branch },
        },
      );
    }
    pushed = true;
    deletedRemote = onRemote;
    // Keep the remote-tracking refs in step with what the push did, whatever the fetch refspec.
    await spawnGit(ctx.root, ['update-ref', `refs/remotes/${ctx.remote}/${ctx.base}`, merge]);
    if (onRemote) await spawnGit(ctx.root, ['update-ref', '-d', branch.ref]);
  }
  let updated: AcceptResult['updated'] = 'none';
  try {
    updated = await moveBaseBranch(ctx, target.local, merge, branch);
  } catch (e) {
    if (!pushed) throw e;
    warnings.push(
      `${e instanceof Error ? e.message.replace(/; nothing was changed$/, '') : String(e)}; ${ctx.remote} has the merge: update your ${ctx.base} with git pull`,
    );
  }
  const deletedLocal = await deleteLocalBranch(ctx.root, branch.branch, { contains: merge });
  const where =
    updated === 'checkout'
      ? `your checkout of ${ctx.base}`
      : updated === 'ref'
        ? ctx.base
        : `${ctx.remote}/${ctx.base}`;
  const text = `Merged ${branch.branch} into ${where} (${merge.slice(0, 8)})${pushed ? `, pushed to ${ctx.remote}${deletedRemote ? ' and deleted the branch there' : ''}` : ctx.remote ? '; not pushed (--no-push)' : ''}`;
  return {
    branch: branch.branch,
    commit: branch.commit,
    base: ctx.base,
    merge,
    updated,
    pushed,
    deleted_remote: deletedRemote,
    deleted_local: deletedLocal,
    forced: !check.ok,
    check,
    warnings,
    message: text,
  };
}

/**
 * What the merge starts from. Pushing, it is the remote's base branch, which the local one
 * must not be ahead of (accepting would publish the maintainer's unpushed commits too); a
 * local base branch that is behind is fast-forwarded by the merge. Not pushing, it is the local
 * base branch (fast-forwarded to the remote's when that is simply newer).
 */
async function chooseMergeTarget(
  ctx: ReviewContext,
  pushing: boolean,
): Promise<{ start: string; local: string | undefined }> {
  const local = ctx.localBaseRef ? await commitOf(ctx.root, ctx.localBaseRef) : undefined;
  const remote = ctx.remote ? await commitOf(ctx.root, `refs/remotes/${ctx.remote}/${ctx.base}`) : undefined;
  if (local && remote && local !== remote) {
    if (await isAncestor(ctx.root, local, remote)) return { start: remote, local };
    if (pushing) {
      throw new GitError(
        `your local ${ctx.base} has commits that are not on ${ctx.remote}/${ctx.base}; accepting would publish them too. Nothing was changed`,
        `push them first (git push ${ctx.remote} ${ctx.base}), or reset ${ctx.base} to ${ctx.remote}/${ctx.base}, or merge locally only with --no-push`,
      );
    }
    return { start: local, local };
  }
  const start = (pushing ? remote : local) ?? remote ?? local;
  if (!start) throw new GitError(`the base branch ${ctx.base} has no commit`);
  return { start, local };
}

/** Moves the base branch to the merge: by fast-forwarding a checkout of it, else by update-ref. */
async function moveBaseBranch(
  ctx: ReviewContext,
  old: string | undefined,
  merge: string,
  branch: OpenBranch,
): Promise<'checkout' | 'ref'> {
  const checkout = await worktreeOf(ctx.root, `refs/heads/${ctx.base}`);
  if (checkout) {
    const ff = await spawnGit(checkout, ['merge', '--ff-only', '--quiet', merge]);
    if (ff.code !== 0) {
      throw new CtError(
        'checkout-blocks-merge',
        `your checkout of ${ctx.base} (${checkout}) could not take the merge: ${gitDetail(ff)}; nothing was changed`,
        {
          exit: ExitCode.git,
          hint: 'commit or stash your local changes, then accept again',
          data: { branch: branch.branch },
        },
      );
    }
    return 'checkout';
  }
  const moved = await spawnGit(ctx.root, [
    'update-ref',
    '-m',
    `ct review accept ${branch.branch}`,
    `refs/heads/${ctx.base}`,
    merge,
    old ?? ZERO,
  ]);
  if (moved.code !== 0)
    throw new GitError(
      `${ctx.base} moved while merging (${gitDetail(moved)}); nothing was changed`,
      'run the command again',
    );
  return 'ref';
}

async function requireMergeTree(): Promise<void> {
  const version = await getGitVersion();
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
  if (major < 2 || (major === 2 && minor < 38))
    throw new GitError(
      `\`ct review accept\` needs git 2.38 or newer (git merge-tree --write-tree); this is git ${version ?? 'unknown'}`,
      'upgrade git, or merge the branch by hand: git merge --no-ff <branch>',
    );
}
