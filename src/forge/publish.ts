import { z } from 'zod';
import { isCtError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { compareUrl, detectForge, type ForgeType, repositoryOf } from './detect.js';
import { getGitHubToken } from './token.js';

export const PublishResultSchema = z.object({
  status: z
    .enum(['opened', 'pushed', 'local'])
    .describe(
      'opened: a pull/merge request exists; pushed: the branch is on the remote, open the request by ' +
        'hand; local: only committed locally.',
    ),
  forge: z.enum(['github', 'gitlab', 'gitea', 'git']).nullable(),
  branch: z.string(),
  url: z.string().optional().describe('The pull request, or a link to open one.'),
  message: z.string(),
  hint: z.string().optional().describe('How to finish publishing, when something is left to do.'),
  summary: z.string().optional().describe('A `git request-pull` summary for maintainers, for plain git remotes.'),
});
export type PublishResult = z.infer<typeof PublishResultSchema>;

export interface PublishRequest {
  branch: string;
  title: string;
  body: string;
  /** Push the commit straight to the base branch (votes, where ct.yml allows it). */
  direct?: boolean;
  /**
   * The branch was rewritten on purpose (a changed vote or flag replaces the voter's pending
   * one): update the remote branch even when it is not a fast-forward.
   */
  replace?: boolean;
}

/**
 * Whether nothing is left for `ct publish` to do. A branch pushed to GitHub whose pull request
 * could not be opened (no token, refused token, API error) is not done: the hint tells the user
 * to fix that and run `ct publish`, which pushes (a no-op) and asks for the pull request again.
 */
export function isPublished(result: PublishResult): boolean {
  return result.status === 'opened' || (result.status === 'pushed' && result.forge !== 'github');
}

/** The branch pull requests target: ct.yml forge.base_branch, else the remote's HEAD, else main. */
export async function baseBranchOf(store: Store): Promise<string> {
  if (store.config.forge.base_branch) return store.config.forge.base_branch;
  const remote = store.config.forge.remote;
  const head = await runGit(store.root, ['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`]).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (head.startsWith(`${remote}/`)) return head.slice(remote.length + 1);
  return 'main';
}

export async function remoteUrlOf(store: Store): Promise<string | undefined> {
  return runGit(store.root, ['remote', 'get-url', store.config.forge.remote]).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );
}

/**
 * Publishes a committed branch: GitHub through its REST API after a push, GitLab through push
 * options (`merge_request.create`), Gitea/Forgejo through AGit (`refs/for/<base>`), any other
 * remote as the pushed branch plus a `git request-pull` summary. Network steps have timeouts. It
 * never throws for a network, auth or forge failure: the commit stays on its local branch and
 * the result says what happened and how to publish later (`ct publish`).
 */
export async function publishBranch(store: Store, request: PublishRequest): Promise<PublishResult> {
  const remote = store.config.forge.remote;
  const timeoutMs = store.config.forge.timeout_seconds * 1000;
  const url = await remoteUrlOf(store);
  const later = `ct publish --store ${store.root}`;
  if (!url) {
    return {
      status: 'local',
      forge: null,
      branch: request.branch,
      message: `committed on local branch ${request.branch}; the store has no remote "${remote}"`,
      hint: `add one (git -C ${store.root} remote add ${remote} <url>), then run \`${later}\``,
    };
  }
  const forge = detectForge(store.config, url);
  const base = await baseBranchOf(store);
  const repo = repositoryOf(store.config, url);
  const pushArgs = ['push', '--porcelain', remote];
  const force = request.replace ? '+' : '';
  try {
    if (request.direct) {
      await runGit(store.root, [...pushArgs, `refs/heads/${request.branch}:refs/heads/${base}`], { timeoutMs });
      return { status: 'opened', forge, branch: request.branch, message: `pushed to ${base} on ${remote}` };
    }
    if (forge === 'gitlab') {
      const options = [
        'merge_request.create',
        `merge_request.target=${base}`,
        `merge_request.title=${oneLine(request.title)}`,
        `merge_request.description=${oneLine(request.body)}`,
        'merge_request.remove_source_branch',
      ];
      const result = await runGit(
        store.root,
        [
          ...pushArgs,
          ...options.flatMap((o) => ['-o', o]),
          `${force}refs/heads/${request.branch}:refs/heads/${request.branch}`,
        ],
        { timeoutMs },
      );
      const mr = /https?:\/\/\S+\/merge_requests\/\d+/.exec(result.stderr)?.[0];
      return mr
        ? { status: 'opened', forge, branch: request.branch, url: mr, message: `merge request opened: ${mr}` }
        : {
            status: 'pushed',
            forge,
            branch: request.branch,
            ...withUrl(compareUrl(forge, url, repo, base, request.branch)),
            message: `pushed ${request.branch}; GitLab was asked to open a merge request`,
            hint: 'check the merge requests of the project',
          };
    }
    if (forge === 'gitea') {
      const topic = request.branch.replace(/^ct\//, '').replace(/\//g, '-');
      const options = [
        `topic=${topic}`,
        `title=${oneLine(request.title)}`,
        `description=${oneLine(request.body)}`,
        ...(request.replace ? ['force-push=true'] : []),
      ];
      const result = await runGit(
        store.root,
        [...pushArgs, ...options.flatMap((o) => ['-o', o]), `refs/heads/${request.branch}:refs/for/${base}`],
        { timeoutMs },
      );
      const pr = /https?:\/\/\S+\/pulls\/\d+/.exec(result.stderr)?.[0];
      return {
        status: 'opened',
        forge,
        branch: request.branch,
        ...withUrl(pr),
        message: pr
          ? `pull request opened: ${pr}`
          : `pull request for ${base} opened through AGit (refs/for/${base}, topic ${topic})`,
      };
    }
    await runGit(store.root, [...pushArgs, `${force}refs/heads/${request.branch}:refs/heads/${request.branch}`], {
      timeoutMs,
    });
  } catch (e) {
    const detail = isCtError(e) ? e.message : String(e);
    return {
      status: 'local',
      forge,
      branch: request.branch,
      message: `committed on local branch ${request.branch}, but the push to ${remote} failed: ${detail}`,
      hint: `check the network and your git credentials for ${url}, then run \`${later}\``,
    };
  }

  if (forge === 'github') return openGitHubPullRequest(store, request, { url, base, repo, timeoutMs });
  const summary = await runGit(store.root, ['request-pull', `${remote}/${base}`, url, request.branch], {
    timeoutMs,
  }).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );
  return {
    status: 'pushed',
    forge,
    branch: request.branch,
    message: `pushed ${request.branch} to ${remote}; ask a maintainer to review it (\`ct review\`)`,
    ...(summary ? { summary } : {}),
  };
}

async function openGitHubPullRequest(
  store: Store,
  request: PublishRequest,
  where: { url: string; base: string; repo: { owner: string; repo: string } | undefined; timeoutMs: number },
): Promise<PublishResult> {
  const link = compareUrl('github', where.url, where.repo, where.base, request.branch);
  const pushed = { status: 'pushed' as const, forge: 'github' as ForgeType, branch: request.branch, ...withUrl(link) };
  if (!where.repo)
    return {
      ...pushed,
      message: `pushed ${request.branch}, but the GitHub repository is unknown`,
      hint: 'set forge.repository: owner/name in ct.yml',
    };
  const token = await getGitHubToken();
  if (!token)
    return {
      ...pushed,
      message: `pushed ${request.branch}; no GitHub token to open the pull request with`,
      hint: `open it at ${link ?? 'the repository page'}, or set GITHUB_TOKEN (or GH_TOKEN, or log in with gh) and run \`ct publish\``,
    };
  const { Octokit } = await import('@octokit/rest');
  const octokit = new Octokit({
    auth: token.token,
    baseUrl: store.config.forge.api_url ?? 'https://api.github.com',
    request: { signal: AbortSignal.timeout(where.timeoutMs) },
    userAgent: 'commontrace',
  });
  try {
    const pr = await octokit.pulls.create({
      owner: where.repo.owner,
      repo: where.repo.repo,
      title: request.title,
      head: request.branch,
      base: where.base,
      body: request.body,
      maintainer_can_modify: true,
    });
    return {
      status: 'opened',
      forge: 'github',
      branch: request.branch,
      url: pr.data.html_url,
      message: `pull request opened: ${pr.data.html_url}`,
    };
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 422) {
      const existing = await octokit.pulls
        .list({
          owner: where.repo.owner,
          repo: where.repo.repo,
          head: `${where.repo.owner}:${request.branch}`,
          state: 'open',
        })
        .catch(() => undefined);
      const found = existing?.data[0]?.html_url;
      if (found)
        return {
          status: 'opened',
          forge: 'github',
          branch: request.branch,
          url: found,
          message: `pull request already open: ${found}`,
        };
    }
    const reason =
      status === 401 || status === 403
        ? `GitHub refused the token from ${token.source} (HTTP ${status})`
        : `GitHub API error: ${(e as Error).message}`;
    return {
      ...pushed,
      message: `pushed ${request.branch}, but the pull request was not opened: ${reason}`,
      hint: `open it at ${link ?? 'the repository page'}, or fix the token and run \`ct publish\``,
    };
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 1000);
const withUrl = (url: string | undefined) => (url ? { url } : {});
