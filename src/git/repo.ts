import { GitError } from '../errors.js';
import { runGit, spawnGit, tryGit } from './run.js';

/** Environment that makes git author and commit as `identity`. */
export function identityEnv(identity: { name: string; email: string }): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

/** The top of the working tree containing `dir`, or undefined when it is not in a repository. */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  const top = await tryGit(dir, ['rev-parse', '--show-toplevel']).catch(() => undefined);
  return top?.trim() || undefined;
}

export interface BranchState {
  branch: string | undefined;
  upstream: string | undefined;
  ahead: number;
  behind: number;
  /** Paths with uncommitted changes (staged, unstaged or untracked). */
  dirty: string[];
  /** True before the first commit. */
  empty: boolean;
}

export async function getBranchState(dir: string): Promise<BranchState> {
  const { stdout } = await runGit(dir, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all']);
  return parseBranchState(stdout);
}

/** Parses `git status --porcelain=v2 --branch -z`. */
export function parseBranchState(text: string): BranchState {
  const state: BranchState = { branch: undefined, upstream: undefined, ahead: 0, behind: 0, dirty: [], empty: false };
  const entries = text.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as string;
    if (entry.startsWith('# branch.head ')) {
      const head = entry.slice('# branch.head '.length);
      state.branch = head === '(detached)' ? undefined : head;
    } else if (entry.startsWith('# branch.oid ')) state.empty = entry.endsWith('(initial)');
    else if (entry.startsWith('# branch.upstream ')) state.upstream = entry.slice('# branch.upstream '.length);
    else if (entry.startsWith('# branch.ab ')) {
      const [ahead, behind] = entry.slice('# branch.ab '.length).split(' ');
      state.ahead = Math.abs(Number(ahead));
      state.behind = Math.abs(Number(behind));
    } else if (entry.startsWith('1 ')) state.dirty.push(entry.split(' ').slice(8).join(' '));
    else if (entry.startsWith('2 ')) {
      state.dirty.push(entry.split(' ').slice(9).join(' '));
      i++; // the original path of a rename or copy follows
    } else if (entry.startsWith('u ')) state.dirty.push(entry.split(' ').slice(10).join(' '));
    else if (entry.startsWith('? ')) state.dirty.push(entry.slice(2));
  }
  return state;
}

/** The committer identity git would use here, or undefined when none is configured. */
export async function getGitIdentity(dir: string): Promise<{ name: string; email: string } | undefined> {
  const get = async (key: string) => ((await tryGit(dir, ['config', '--get', key]).catch(() => '')) ?? '').trim();
  const name = process.env.GIT_AUTHOR_NAME || (await get('user.name'));
  const email = process.env.GIT_AUTHOR_EMAIL || (await get('user.email'));
  return name && email ? { name, email } : undefined;
}

export async function requireGitIdentity(dir: string): Promise<{ name: string; email: string }> {
  const identity = await getGitIdentity(dir);
  if (!identity) {
    throw new GitError(
      'git has no author identity here, so nothing can be committed',
      'set one: git config --global user.name "Your Name" && git config --global user.email you@example.com',
    );
  }
  return identity;
}

/** git's version (e.g. "2.39.5"), or undefined when git is not installed. */
export async function getGitVersion(): Promise<string | undefined> {
  const out = await tryGit(process.cwd(), ['--version']).catch(() => undefined);
  return /(\d+\.\d+\.\d+)/.exec(out ?? '')?.[1];
}

/** True when `dir` is inside a git repository (bare or with a working tree). */
export async function isBareOrWorkingRepo(dir: string): Promise<boolean> {
  return (await spawnGit(dir, ['rev-parse', '--git-dir']).catch(() => undefined))?.code === 0;
}

/** True when `dir` is a bare repository. */
export async function isBareRepo(dir: string): Promise<boolean> {
  return (await tryGit(dir, ['rev-parse', '--is-bare-repository']).catch(() => undefined))?.trim() === 'true';
}

/** The commit HEAD points at, or null before the first commit (or outside a repository). */
export async function headCommit(dir: string): Promise<string | null> {
  return (
    (await tryGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => undefined))?.trim() || null
  );
}

/** The user's signing key (git config user.signingkey), or undefined when none is set. */
export async function getSigningKey(dir: string): Promise<string | undefined> {
  return ((await tryGit(dir, ['config', '--get', 'user.signingkey']).catch(() => undefined)) ?? '').trim() || undefined;
}

/** True when the user asked git to sign every commit (commit.gpgSign), which plumbing would ignore. */
export async function signsCommits(dir: string): Promise<boolean> {
  const value = (await tryGit(dir, ['config', '--type=bool', '--get', 'commit.gpgsign']).catch(() => undefined)) ?? '';
  return value.trim() === 'true';
}
