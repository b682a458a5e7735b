import { z } from 'zod';
import type { Store } from '../store/store.js';
import { findOpenBranch } from './branches.js';
import { readBranchDiff } from './changes.js';
import { ReviewCheckWithProblemsSchema, ScratchWorktree } from './check-tree.js';
import { openReview } from './context.js';
import { describeBranch, ReviewItemSchema } from './list.js';

export const ReviewShowSchema = ReviewItemSchema.extend({
  base: z.string().describe('The branch it would merge into.'),
  check: ReviewCheckWithProblemsSchema.describe(
    '`ct check` of the branch tree, limited to the changed files, with every problem.',
  ),
  diff: z.string().describe('The full patch against the merge base (`git diff base...branch`).'),
  warnings: z.array(z.string()),
});
export type ReviewShow = z.infer<typeof ReviewShowSchema>;

/** `ct review show <branch>`: the review item, every check problem and the full diff. */
export async function showReview(store: Store, name: string): Promise<ReviewShow> {
  const ctx = await openReview(store);
  const branch = await findOpenBranch(ctx, name);
  const tree = await ScratchWorktree.create(ctx.root, branch.commit);
  try {
    const { item, check } = await describeBranch(ctx, branch, tree);
    const diff = await readBranchDiff(ctx.root, ctx.baseRef, branch.commit);
    return { ...item, base: ctx.base, check, diff, warnings: ctx.warnings };
  } finally {
    await tree.remove();
  }
}
