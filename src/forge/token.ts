import { execFile } from 'node:child_process';

/** A GitHub token from GITHUB_TOKEN, GH_TOKEN, or the GitHub CLI's `gh auth token` (if installed). */
export async function getGitHubToken(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ token: string; source: string } | undefined> {
  if (env.GITHUB_TOKEN) return { token: env.GITHUB_TOKEN, source: 'GITHUB_TOKEN' };
  if (env.GH_TOKEN) return { token: env.GH_TOKEN, source: 'GH_TOKEN' };
  const fromGh = await new Promise<string | undefined>((resolve) => {
    execFile('gh', ['auth', 'token'], { timeout: 3000 }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
  return fromGh ? { token: fromGh, source: 'gh auth token' } : undefined;
}
