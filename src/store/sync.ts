import { headCommit } from '../git/repo.js';
import { runGit, tryGit } from '../git/run.js';
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
  const before = await headCommit(store.root);
  const upstream = (
    (await tryGit(store.root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'])) ?? ''
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
  const failed = (message: string, hint: string): PullResult => ({
    outcome: 'failed',
    before,
    after: before,
    changed: [],
    message,
    hint,
  });
  try {
    await runGit(store.root, ['fetch', '--prune', '--quiet']);
  } catch (e) {
    const hint = 'check the network and your git credentials; the local store is unchanged and still searchable';
    return failed(`fetch failed: ${firstLine(e)}`, hint);
  }
  try {
    await runGit(store.root, ['merge', '--ff-only', '--quiet', '@{u}']);
  } catch (e) {
    const hint = `the branch has local commits or changes in the way; resolve with \`git -C ${store.root} pull --rebase\``;
    return failed(`cannot fast-forward to ${upstream}: ${firstLine(e)}`, hint);
  }
  const after = await headCommit(store.root);
  if (after === before) return { outcome: 'up-to-date', before, after, changed: [] };
  const diff = before
    ? (await runGit(store.root, ['diff', '--name-only', before, after ?? 'HEAD', '--', 'traces/', 'votes/', 'flags/']))
        .stdout
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
