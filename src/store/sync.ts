import { openGit } from '../git/repo.js';
import type { Store } from './store.js';

export interface PullResult {
  /** What happened: pulled new commits, already up to date, no upstream to pull from, or failed. */
  outcome: 'pulled' | 'up-to-date' | 'no-upstream' | 'failed';
  before: string | null;
  after: string | null;
  /** Trace, vote and flag files changed by the pull. */
  changed: string[];
  message?: string;
  hint?: string;
}

/**
 * Fetches the store's upstream and fast-forwards to it. A branch with local commits or local
 * changes in the way is left exactly as it was, with the reason and the command to resolve it.
 */
export async function pullStore(store: Store): Promise<PullResult> {
  const git = openGit(store.root);
  const head = async () => (await git.revparse(['HEAD']).catch(() => '')).trim() || null;
  const before = await head();
  const upstream = (
    await git.raw(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}']).catch(() => '')
  ).trim();
  if (!upstream)
    return {
      outcome: 'no-upstream',
      before,
      after: before,
      changed: [],
      message: 'the current branch has no upstream',
      hint: `git -C ${store.root} branch --set-upstream-to=origin/main`,
    };
  try {
    await git.fetch(['--prune', '--quiet']);
  } catch (e) {
    return {
      outcome: 'failed',
      before,
      after: before,
      changed: [],
      message: `fetch failed: ${firstLine(e)}`,
      hint: 'check the network and your git credentials; the local store is unchanged and still searchable',
    };
  }
  try {
    await git.raw(['merge', '--ff-only', '--quiet', '@{u}']);
  } catch (e) {
    return {
      outcome: 'failed',
      before,
      after: before,
      changed: [],
      message: `cannot fast-forward to ${upstream}: ${firstLine(e)}`,
      hint: `the branch has local commits or changes in the way; resolve with \`git -C ${store.root} pull --rebase\``,
    };
  }
  const after = await head();
  if (after === before) return { outcome: 'up-to-date', before, after, changed: [] };
  const diff = before
    ? await git.raw(['diff', '--name-only', before, after ?? 'HEAD', '--', 'traces/', 'votes/', 'flags/'])
    : '';
  return { outcome: 'pulled', before, after, changed: diff.split('\n').filter(Boolean) };
}

function firstLine(e: unknown): string {
  return (
    ((e as Error).message ?? String(e))
      .trim()
      .split('\n')
      .find((l) => l.trim()) ?? 'unknown error'
  );
}
