import { GitError, NotFoundError } from '../errors.js';
import { gitDetail, spawnGit } from '../git/run.js';
import type { ReviewContext } from './context.js';

export const CONTRIBUTION_KINDS = ['trace', 'vote', 'flag', 'amend', 'other'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

/** A contribution branch not merged into the base branch yet: a pull request without a forge. */
export interface OpenBranch {
  /** The branch name as contributors push it: ct/<kind>/<name>. */
  branch: string;
  /** The full ref it was read from (remote-tracking, or local without a remote). */
  ref: string;
  kind: ContributionKind;
  commit: string;
  subject: string;
  author: { name: string; email: string };
  /** Author date of the tip commit, ISO 8601. */
  date: string;
}

/**
 * The ct/* branches not yet merged into the base branch, oldest first: one `for-each-ref`
 * (a branch merged into the remote's base or into the local one is no longer open).
 */
export async function listOpenBranches(ctx: ReviewContext): Promise<OpenBranch[]> {
  const merged = [...new Set([ctx.baseRef, ...(ctx.localBaseRef ? [ctx.localBaseRef] : [])])].map(
    (ref) => `--no-merged=${ref}`,
  );
  const format =
    '--format=%(refname)%00%(objectname)%00%(authorname)%00%(authoremail)%00%(authordate:iso-strict)%00%(subject)';
  const result = await spawnGit(ctx.root, ['for-each-ref', format, ...merged, `${ctx.branchPrefix}ct/`]);
  if (result.code !== 0) throw new GitError(`git for-each-ref failed: ${gitDetail(result)}`);
  const branches: OpenBranch[] = [];
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [ref, commit, name, email, date, subject] = line.split('\0');
    if (!ref || !commit || date === undefined) continue;
    const branch = ref.slice(ctx.branchPrefix.length);
    branches.push({
      branch,
      ref,
      kind: kindOf(branch),
      commit,
      subject: subject ?? '',
      author: { name: name ?? '', email: (email ?? '').replace(/^<|>$/g, '') },
      date,
    });
  }
  return branches.sort((a, b) => a.date.localeCompare(b.date) || a.branch.localeCompare(b.branch));
}

/**
 * An open branch by name: `ct/trace/x`, `trace/x`, `origin/ct/trace/x` or a full ref. An unknown
 * or already merged name fails with exit 4 and the open branches in the message and data.
 */
export async function findOpenBranch(ctx: ReviewContext, name: string): Promise<OpenBranch> {
  const wanted = normalizeBranchName(name, ctx.remote);
  const open = await listOpenBranches(ctx);
  const found = open.find((b) => b.branch === wanted);
  if (found) return found;
  const names = open.map((b) => b.branch);
  const merged =
    (await spawnGit(ctx.root, ['rev-parse', '--verify', '--quiet', `${ctx.branchPrefix}${wanted}`])).code === 0;
  const why = merged
    ? `${wanted} is already merged into ${ctx.base}`
    : `no contribution branch ${wanted}${ctx.remote ? ` on ${ctx.remote}` : ''}`;
  const hint = names.length
    ? `open branches: ${names.join(', ')}`
    : 'there are no open contribution branches (`ct review list`)';
  throw new NotFoundError(merged ? 'branch-merged' : 'branch-not-found', why, hint, { open: names });
}

export function normalizeBranchName(name: string, remote: string | null): string {
  let branch = name.trim().replace(/^refs\/heads\//, '');
  if (remote) branch = branch.replace(new RegExp(`^(refs/remotes/)?${escapeRegExp(remote)}/`), '');
  return branch.startsWith('ct/') ? branch : `ct/${branch}`;
}

export function kindOf(branch: string): ContributionKind {
  const kind = branch.split('/')[1];
  return (CONTRIBUTION_KINDS as readonly string[]).includes(kind ?? '') && kind !== 'other'
    ? (kind as ContributionKind)
    : 'other';
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
