import { spawn } from 'node:child_process';
import { GitError } from '../errors.js';

export interface GitOptions {
  /** Written to git's stdin (then closed). */
  input?: string | Buffer;
  /** Added to the environment, e.g. a private GIT_INDEX_FILE or an identity. */
  env?: Record<string, string>;
  /** Kill git after this long: bounds network steps. */
  timeoutMs?: number;
  /**
   * Hands stdout over chunk by chunk as git writes it, instead of collecting it (the result's
   * stdout is then empty): for outputs too large to hold, such as the log of a million-file import.
   */
  onStdout?: (chunk: Buffer) => void;
}

export interface GitResult {
  /** The exit code; git's "no match" or "conflict" answers are non-zero without being failures. */
  code: number;
  /** Raw bytes: `cat-file --batch` sizes are in bytes, not characters. */
  stdout: Buffer;
  stderr: string;
}

/**
 * The one way `ct` runs git: the user's own git CLI with the user's environment (credential
 * helpers, SSH keys, GIT_CONFIG_GLOBAL keep working), prompts off so a missing credential fails
 * instead of hanging. Resolves with the exit code, which is an answer for some commands (`grep`,
 * `merge-tree`, `merge-base --is-ancestor`); only a git that cannot start, or a timeout, rejects.
 */
export function spawnGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          // git's own helpers (git-remote-http, ssh) hold the pipes open after git is killed:
          // let go of them, or 'close' would wait for the helpers.
          child.stdout.destroy();
          child.stderr.destroy();
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    // A consumer that throws stops git, and the call rejects with its error.
    let consumerError: unknown;
    const consume = options.onStdout;
    child.stdout.on('data', (d: Buffer) => {
      if (!consume) out.push(d);
      else if (consumerError === undefined) {
        try {
          consume(d);
        } catch (e) {
          consumerError = e;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(
        new GitError(`git ${verbOf(args)} could not be started: ${e.message}`, 'install git and put it on PATH', e),
      );
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (consumerError !== undefined) reject(consumerError);
      else if (timedOut) {
        const seconds = Math.round((options.timeoutMs ?? 0) / 1000);
        reject(
          new GitError(`git ${verbOf(args)} timed out after ${seconds} s`, undefined, undefined, { args, timedOut }),
        );
      } else resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr });
    });
    // git may exit before reading its input (a bad revision): that is reported by its exit code.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs git and returns its stdout as text; a non-zero exit rejects with a GitError naming the reason. */
export async function runGit(
  cwd: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const result = await spawnGit(cwd, args, options);
  if (result.code !== 0) throw gitFailure(args, result);
  return { stdout: result.stdout.toString('utf8'), stderr: result.stderr };
}

/** stdout of a git command that may fail for an ordinary reason (no HEAD yet, no upstream), else undefined. */
export async function tryGit(
  cwd: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<string | undefined> {
  const result = await spawnGit(cwd, args, options);
  return result.code === 0 ? result.stdout.toString('utf8') : undefined;
}

/** The GitError for a failed run: git's last lines of stderr, and the refs a push rejected. */
export function gitFailure(args: readonly string[], result: GitResult): GitError {
  // `push --porcelain` reports rejected refs on stdout ("!\t<src>:<dst>\t[rejected] (non-fast-forward)").
  const rejected = result.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('!\t'))
    .map((l) => l.split('\t').slice(1).join(' '));
  const detail = [...rejected, gitDetail(result)].filter(Boolean).join(' / ');
  return new GitError(`git ${verbOf(args)} failed: ${detail}`, undefined, undefined, {
    args: [...args],
    stderr: result.stderr,
  });
}

/** The last lines of git's stderr, without its advice ("hint: ...") lines, for error messages. */
export function gitDetail(result: GitResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'));
  return lines.slice(-3).join(' / ') || `exit ${result.code}`;
}

/** The subcommand, for messages: the first argument that is not an option or a `-c` value. */
function verbOf(args: readonly string[]): string {
  return args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c') ?? '';
}
