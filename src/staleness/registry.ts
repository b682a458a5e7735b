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
 * Asks a package registry for the latest version of a package: npm's dist-tags (its
 * `/-/package/<name>/dist-tags` endpoint, else `dist-tags.latest` of the abbreviated metadata),
 * PyPI's JSON API (`info.version`), crates.io (`max_stable_version`) or the Go module proxy
 * (`@latest`). Rejects on a network failure, a timeout or an answer it cannot read:
 * the caller records those as "not checked", never as a verdict.
 */
export async function fetchLatest(
  ref: PackageRef,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RegistryAnswer> {
  const base = registryBase(ref.ecosystem, options.env);
  const get = (url: string, accept = 'application/json') =>
    fetch(url, {
      headers: {
        accept,
        // crates.io refuses requests without a User-Agent.
        'user-agent': 'commontrace (ct stale; https://github.com/commontrace)',
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      redirect: 'follow',
    });
  if (ref.ecosystem === 'npm') {
    const escaped = ref.name.startsWith('@')
      ? `@${encodeURIComponent(ref.name.slice(1))}`
      : encodeURIComponent(ref.name);
    // The dist-tags endpoint answers in bytes; the package document (even abbreviated) is megabytes
    // for a package with many releases (next: 21 MB). Registries without the endpoint get the document.
    const tags = await get(`${base}/-/package/${escaped}/dist-tags`).catch(() => undefined);
    if (tags?.ok) {
      const latest = ((await tags.json().catch(() => undefined)) as Record<string, unknown> | undefined)?.latest;
      if (typeof latest === 'string' && latest.length > 0 && latest.length <= 100) return { status: 'ok', latest };
    } else await tags?.body?.cancel();
    return readAnswer(
      await get(`${base}/${escaped}`, 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8'),
      ref.ecosystem,
    );
  }
  const url = {
    pypi: () => `${base}/pypi/${encodeURIComponent(ref.name)}/json`,
    crates: () => `${base}/api/v1/crates/${encodeURIComponent(ref.name)}`,
    // The module proxy escapes capitals as "!" + lower case.
    go: () => `${base}/${ref.name.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`)}/@latest`,
  }[ref.ecosystem]();
  return readAnswer(await get(url), ref.ecosystem);
}

async function readAnswer(response: Response, ecosystem: Ecosystem): Promise<RegistryAnswer> {
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { status: 'not-found' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${response.url} answered HTTP ${response.status}`);
  }
  const latest = pick(ecosystem, (await response.json()) as Record<string, any>);
  if (typeof latest !== 'string' || latest.length === 0 || latest.length > 100)
    throw new Error(`${response.url} answered without a latest version`);
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
