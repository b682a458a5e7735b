import type { StoreConfig } from '../store/config.js';

export type ForgeType = 'github' | 'gitlab' | 'gitea' | 'git';

/**
 * How to open a pull request for a remote: ct.yml `forge.type` when set, else by host name
 * (github.com, gitlab.*, codeberg.org / gitea.* / forgejo.*), else plain git (a pushed branch
 * plus a `git request-pull` summary).
 */
export function detectForge(config: StoreConfig, remoteUrl: string): ForgeType {
  if (config.forge.type) return config.forge.type;
  const host = hostOf(remoteUrl) ?? '';
  if (host === 'github.com' || host.endsWith('.github.com')) return 'github';
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return 'gitlab';
  if (host === 'codeberg.org' || host.startsWith('gitea.') || host.startsWith('forgejo.')) return 'gitea';
  return 'git';
}

export function hostOf(url: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):/.exec(url);
  if (scp) return scp[1]?.toLowerCase();
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** owner/name of a remote: ct.yml `forge.repository`, else the last two segments of the URL path. */
export function repositoryOf(config: StoreConfig, remoteUrl: string): { owner: string; repo: string } | undefined {
  const explicit = config.forge.repository;
  const pathPart = explicit ?? /^[\w.-]+@[\w.-]+:(.+)$/.exec(remoteUrl)?.[1] ?? safePath(remoteUrl);
  const parts =
    pathPart
      ?.replace(/\.git\/?$/, '')
      .split('/')
      .filter(Boolean) ?? [];
  if (parts.length < 2) return undefined;
  return { owner: parts[parts.length - 2] as string, repo: parts[parts.length - 1] as string };
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** A browser link to compare a pushed branch with the base, where the forge has one. */
export function compareUrl(
  type: ForgeType,
  remoteUrl: string,
  repo: { owner: string; repo: string } | undefined,
  base: string,
  branch: string,
): string | undefined {
  const host = hostOf(remoteUrl);
  if (!host || !repo || remoteUrl.startsWith('file:')) return undefined;
  const web = `https://${host}/${repo.owner}/${repo.repo}`;
  if (type === 'github') return `${web}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1`;
  if (type === 'gitlab')
    return `${web}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}`;
  if (type === 'gitea') return `${web}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}`;
  return undefined;
}
