import { execFile } from 'node:child_process';
import { GitError } from '../errors.js';

export interface GitRun {
  stdout: string;
  stderr: string;
}

/**
 * Runs git with stdin and extra environment, for the plumbing simple-git has no interface for
 * (hash-object --stdin, a private GIT_INDEX_FILE). Prompts are off, so a missing credential
 * fails instead of hanging; `timeoutMs` bounds network steps.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', ...options.env },
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        if (error) {
          const timedOut = (error as { killed?: boolean }).killed === true && (options.timeoutMs ?? 0) > 0;
          // git's advice lines ("hint: ...") would crowd out the reason; `push --porcelain` reports
          // rejected refs on stdout ("!\t<src>:<dst>\t[rejected] (non-fast-forward)").
          const lines = (stderr || error.message)
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('hint:'));
          const rejected = String(stdout)
            .split('\n')
            .filter((l) => l.startsWith('!\t'))
            .map((l) => l.split('\t').slice(1).join(' '));
          const detail = [...rejected, ...lines.slice(-3)].join(' / ');
          reject(
            new GitError(
              timedOut
                ? `git ${args[0]} timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`
                : `git ${args[0]} failed: ${detail}`,
              undefined,
              error,
              { args: [...args], stderr, timedOut },
            ),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
