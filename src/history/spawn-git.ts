import { spawn } from 'node:child_process';
import { GitError } from '../errors.js';

export interface SpawnedGit {
  /** The exit code; git's "no match" or "conflict" answers are non-zero without being failures. */
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs git and returns its exit code and raw stdout instead of throwing on a non-zero exit:
 * for commands whose exit code is an answer (`grep` 1 = no match, `merge-tree` 1 = conflicts)
 * and for byte-exact output (`cat-file --batch` sizes are in bytes, not characters).
 * Only a git that cannot be started, or a timeout, throws.
 */
export function spawnGit(
  cwd: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SpawnedGit> {
  // The subcommand, for messages: the first argument that is not an option or a -c value.
  const verb = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c') ?? '';
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
      ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), options.timeoutMs)
      : undefined;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) =>
      reject(
        new GitError(`git ${verb} could not be started: ${e.message}`, 'install git and make sure it is on PATH', e),
      ),
    );
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (timedOut)
        reject(
          new GitError(
            `git ${verb} timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`,
            undefined,
            undefined,
            { args: [...args], timedOut: true },
          ),
        );
      else resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** The last lines of git's stderr, for error messages. */
export function gitDetail(result: SpawnedGit): string {
  return result.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || `exit ${result.code}`;
}
