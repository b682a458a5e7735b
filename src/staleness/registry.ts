import type { Ecosystem, PackageRef } from './ecosystem.js';

/** A registry's answer: the latest stable version, or that it has no such package. */
export type RegistryAnswer = { status: 'ok'; latest: string } | { status: 'not-found' };

export const DEFAULT_TIMEOUT_MS = 5_000;

/** Base URLs; each can be pointed elsewhere (a mirror, or a test server) by an environment variable. */
export function registryBase(ecosystem: Ecosystem, env: NodeJS.ProcessEnv = process.env): string {
  const base = {
    npm: env.CT_NPM_REGISTRY || 'https://registry.npmjs.org',
    pypi: env.CT_PYPI_REGISTRY || 'https://pypi.org',
    crates: env.CT_CRATES_REGISTRY || 'https://crates.io',
    go: env.CT_GO_PROXY || 'https://proxy.golang.org',
  }[ecosystem];
  return base.replace(/\/+$/, '');
}

/**
 * Asks a package registry for the latest version of a package: npm's abbreviated metadata
 * (`dist-tags.latest`), PyPI's JSON API (`info.version`), crates.io (`max_stable_version`) or the Go
 * module proxy (`@latest`). Rejects on a network failure, a timeout or an answer it cannot read:
 * the caller records those as "not checked", never as a verdict.
 */
export async function fetchLatest(
  ref: PackageRef,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RegistryAnswer> {
  const base = registryBase(ref.ecosystem, options.env);
  const url = {
    npm: () =>
      `${base}/${ref.name.startsWith('@') ? `@${encodeURIComponent(ref.name.slice(1))}` : encodeURIComponent(ref.name)}`,
    pypi: () => `${base}/pypi/${encodeURIComponent(ref.name)}/json`,
    crates: () => `${base}/api/v1/crates/${encodeURIComponent(ref.name)}`,
    // The module proxy escapes capitals as "!" + lower case.
    go: () => `${base}/${ref.name.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`)}/@latest`,
  }[ref.ecosystem]();
  const response = await fetch(url, {
    headers: {
      accept:
        ref.ecosystem === 'npm'
          ? 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8'
          : 'application/json',
      // crates.io refuses requests without a User-Agent.
      'user-agent': 'commontrace (ct stale; https://github.com/commontrace)',
    },
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    redirect: 'follow',
  });
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { status: 'not-found' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as Record<string, any>;
  const latest = pick(ref.ecosystem, body);
  if (typeof latest !== 'string' || latest.length === 0 || latest.length > 100)
    throw new Error(`${url} answered without a latest version`);
  return { status: 'ok', latest };
}

function pick(ecosystem: Ecosystem, body: Record<string, any>): unknown {
  switch (ecosystem) {
    case 'npm':
      return body['dist-tags']?.latest;
    case 'pypi':
      return body.info?.version;
    case 'crates':
      return body.crate?.max_stable_version || body.crate?.max_version;
    case 'go':
      return typeof body.Version === 'string' ? body.Version.replace(/^v/, '') : undefined;
  }
}
