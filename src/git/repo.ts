import { type SimpleGit, simpleGit } from 'simple-git';
import { GitError } from '../errors.js';

/**
 * simple-git guards environment variables that change which programs git runs (editor, pager,
 * ssh command, askpass, config paths), for apps that pass untrusted input. Here the environment
 * is the user's own: their GIT_SSH_COMMAND, credential helper or GIT_CONFIG_GLOBAL must keep
 * working, so those categories are allowed. The argument guards (ext:: protocol, --upload-pack)
 * stay on, since URLs can come from a store's config.
 */
const USER_ENVIRONMENT_IS_TRUSTED = {
  allowUnsafeEditor: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafePager: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeExec: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeCredentialHelper: true,
};

/**
 * A simple-git instance for a directory, with prompts off so a missing credential fails fast.
 * simple-git strips GIT_* variables it was not told about (and rejects them when passed
 * explicitly); every variable of the environment we pass is allowed.
 */
export function openGit(dir: string, extraEnv: Record<string, string> = {}): SimpleGit {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' }, extraEnv);
  return simpleGit({
    baseDir: dir,
    maxConcurrentProcesses: 4,
    trimmed: false,
    allowEnvironment: Object.keys(env),
    unsafe: USER_ENVIRONMENT_IS_TRUSTED,
  } as Parameters<typeof simpleGit>[0]).env(env);
}

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
  try {
    const top = await openGit(dir).revparse(['--show-toplevel']);
    return top.trim() || undefined;
  } catch {
    return undefined;
  }
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
  const git = openGit(dir);
  const status = await git.status();
  const empty = !(await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).then(
    () => true,
    () => false,
  ));
  return {
    branch: status.current ?? undefined,
    upstream: status.tracking ?? undefined,
    ahead: status.ahead,
    behind: status.behind,
    dirty: status.files.map((f) => f.path),
    empty,
  };
}

/** The committer identity git would use here, or undefined when none is configured. */
export async function getGitIdentity(dir: string): Promise<{ name: string; email: string } | undefined> {
  const git = openGit(dir);
  const get = async (key: string) => (await git.raw(['config', '--get', key]).catch(() => '')).trim();
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

/** git's version as [major, minor], or undefined when git is not installed. */
export async function getGitVersion(): Promise<string | undefined> {
  try {
    const version = await openGit(process.cwd()).version();
    return version.installed ? `${version.major}.${version.minor}.${version.patch}` : undefined;
  } catch {
    return undefined;
  }
}

export async function isBareOrWorkingRepo(dir: string): Promise<boolean> {
  return openGit(dir)
    .raw(['rev-parse', '--git-dir'])
    .then(
      () => true,
      () => false,
    );
}
