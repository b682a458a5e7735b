import { spawnGit } from '../git/run.js';
import { commitOf, isAncestor, worktreeOf } from './context.js';

/**
 * Deletes the local branch refs/heads/<branch> when nothing is lost by it: it is not checked
 * out anywhere, and its tip is contained in `contains` (the merge, or the tip being rejected).
 * Returns true when it was deleted.
 */
export async function deleteLocalBranch(root: string, branch: string, options: { contains: string }): Promise<boolean> {
  const ref = `refs/heads/${branch}`;
  const tip = await commitOf(root, ref);
  if (!tip) return false;
  if (await worktreeOf(root, ref)) return false;
  if (tip !== options.contains && !(await isAncestor(root, tip, options.contains))) return false;
  return (await spawnGit(root, ['update-ref', '-d', ref, tip])).code === 0;
}
