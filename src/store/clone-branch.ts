import { NotFoundError } from '../errors.js';
import { runGit, tryGit } from '../git/run.js';

/** The branch a fresh clone of a store settled on, and why when it is not the remote's HEAD. */
export interface StoreBranch {
  branch: string;
  /** Set when the remote's HEAD could not be used: what was wrong with it. */
  note?: string;
}

/**
 * Checks out the branch of a fresh clone that holds the store (its ct.yml): the remote's default
 * branch, else main, else master, else its only branch. `git init --bare` still names `master`
 * as HEAD on many machines while the store was pushed as `main`; git's clone then checks out
 * nothing, and the store would look empty.
 */
export async function checkoutStoreBranch(root: string, source: string): Promise<StoreBranch> {
  const branches = (await runGit(root, ['for-each-ref', '--format=%(refname:lstrip=3)', 'refs/remotes/origin'])).stdout
    .split('\n')
    .filter((b) => b && b !== 'HEAD');
  // What the remote's HEAD names, even when that branch does not exist (clone then leaves it unborn).
  const remoteHead = ((await tryGit(root, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) ?? '').trim();
  const candidates = [...new Set([remoteHead, 'main', 'master', ...(branches.length === 1 ? branches : [])])].filter(
    (b) => b && branches.includes(b),
  );
  const withoutStore: string[] = [];
  for (const branch of candidates) {
    const hasConfig = (await tryGit(root, ['cat-file', '-e', `origin/${branch}:ct.yml`])) !== undefined;
    if (!hasConfig) {
      withoutStore.push(branch);
      continue;
    }
    if (branch === remoteHead && withoutStore.length === 0) return { branch };
    await runGit(root, ['checkout', '--quiet', '-B', branch, '--track', `origin/${branch}`]);
    const why = branches.includes(remoteHead) ? 'has no ct.yml' : 'does not exist';
    return { branch, note: `the remote's HEAD names "${remoteHead}", which ${why}; using branch "${branch}"` };
  }
  const looked = withoutStore.length
    ? `no ct.yml on ${withoutStore.map((b) => `"${b}"`).join(', ')}`
    : branches.length
      ? 'it has no main or master branch'
      : 'it has no branches';
  throw new NotFoundError(
    'store-config-missing',
    `${source} is not a CommonTrace store: ${looked}` +
      (remoteHead && !branches.includes(remoteHead) ? ` (its HEAD names "${remoteHead}", which does not exist)` : ''),
    branches.length
      ? `its branches are ${branches.join(', ')}: push a store (ct init) to main, or set the remote's HEAD ` +
          '(git symbolic-ref HEAD refs/heads/<branch> in the bare repository)'
      : 'push a store to it first: ct init <dir>, then git push <url> main',
    { branches },
  );
}
