import { z } from 'zod';
import type { Store } from '../store/store.js';
import { CONTRIBUTION_KINDS, listOpenBranches, type OpenBranch } from './branches.js';
import { ChangedFileSchema, readBranchChanges } from './changes.js';
import { type ReviewCheck, ReviewCheckSchema, ScratchWorktree } from './check-tree.js';
import { openReview, type ReviewContext } from './context.js';

/** One contribution branch under review: what it is, who made it, what it changes, and `ct check`. */
export const ReviewItemSchema = z.object({
  branch: z.string().describe('The contribution branch, ct/<kind>/<name>.'),
  ref: z
    .string()
    .describe('The ref it was read from: refs/remotes/<remote>/ct/... or, without a remote, refs/heads/ct/...'),
  kind: z.enum(CONTRIBUTION_KINDS).describe('From the branch name: trace (a new trace), vote, flag, amend, or other.'),
  commit: z.string().describe('The tip commit.'),
  subject: z.string().describe("The tip commit's subject."),
  author: z.object({ name: z.string(), email: z.string() }),
  date: z.string().describe('Author date of the tip commit, ISO 8601.'),
  commits: z.number().int().describe('Commits on the branch that the base branch lacks.'),
  files: z.array(ChangedFileSchema).describe('Files changed against the merge base.'),
  check: ReviewCheckSchema.describe(
    "`ct check` of the branch's tree, limited to the changed files (store-wide rules compare with the whole tree).",
  ),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewListSchema = z.object({
  store: z.string(),
  remote: z
    .string()
    .nullable()
    .describe('The remote the branches were read from; null for a store without one (local ct/* branches).'),
  base: z.string().describe('The branch contributions merge into.'),
  fetched: z.boolean().describe('False when the fetch failed (offline): the branches are as last fetched.'),
  warnings: z.array(z.string()),
  branches: z.array(ReviewItemSchema).describe('Open contribution branches, oldest first.'),
});
export type ReviewList = z.infer<typeof ReviewListSchema>;

/**
 * `ct review list`: the open contribution branches with their changes and check results. One
 * scratch worktree serves every branch (each check switches it to the next tip).
 */
export async function listReviews(
  store: Store,
  options: { onProgress?: (message: string) => void } = {},
): Promise<ReviewList> {
  const ctx = await openReview(store);
  const open = await listOpenBranches(ctx);
  const branches: ReviewItem[] = [];
  if (open.length > 0) {
    const tree = await ScratchWorktree.create(ctx.root, (open[0] as OpenBranch).commit);
    try {
      for (const [i, branch] of open.entries()) {
        options.onProgress?.(`checking ${branch.branch} (${i + 1}/${open.length})`);
        const { item } = await describeBranch(ctx, branch, tree);
        branches.push(item);
      }
    } finally {
      await tree.remove();
    }
  }
  return {
    store: store.name,
    remote: ctx.remote,
    base: ctx.base,
    fetched: ctx.fetched,
    warnings: ctx.warnings,
    branches,
  };
}

/** A branch's review item, plus the check's problems for callers that show them. */
export async function describeBranch(
  ctx: ReviewContext,
  branch: OpenBranch,
  tree: ScratchWorktree,
): Promise<{ item: ReviewItem; check: ReviewCheck }> {
  const { files, commits } = await readBranchChanges(ctx.root, ctx.baseRef, branch.commit);
  const check = await tree.check(branch.commit, files, ctx.baseRef);
  const { problems: _problems, ...counts } = check;
  return { item: { ...branch, commits, files, check: counts }, check };
}
