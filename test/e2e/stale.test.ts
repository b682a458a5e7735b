import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaleReportSchema } from '../../src/staleness/stale.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

/**
 * `ct stale` against a local HTTP server that answers like the npm registry (abbreviated
 * metadata: `GET /<name>` and `GET /@scope%2fname`, 404 for an unknown package) and PyPI's JSON
 * API (`GET /pypi/<name>/json`); the cache, its TTL, offline runs, and search marking what the
 * cache says without touching the network.
 */

const NPM: Record<string, string> = { next: '15.2.0', react: '19.1.0', express: '5.1.0', '@acme/widgets': '2.0.1' };
const PYPI: Record<string, string> = { pydantic: '2.9.2' };

function startRegistry() {
  const requests: string[] = [];
  const state = { distTags: true };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    // npm's small answer: GET /-/package/<name>/dist-tags (a registry may lack it: 404).
    const tags = /^\/-\/package\/(.+)\/dist-tags$/.exec(url);
    if (tags) {
      const latest = state.distTags ? NPM[decodeURIComponent(tags[1] as string)] : undefined;
      res.writeHead(latest ? 200 : 404, { 'content-type': 'application/json' });
      res.end(latest ? JSON.stringify({ latest, next: '99.0.0-canary.1' }) : '{"error":"Not found"}');
      return;
    }
    const pypi = /^\/pypi\/([^/]+)\/json$/.exec(url);
    if (pypi) {
      const version = PYPI[decodeURIComponent(pypi[1] as string)];
      res.writeHead(version ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(version ? { info: { name: pypi[1], version }, releases: {} } : { message: 'Not Found' }));
      return;
    }
    const name = decodeURIComponent(url.slice(1));
    const latest = NPM[name];
    if (!latest) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
      return;
    }
    // The shape of https://registry.npmjs.org/<name> with Accept: application/vnd.npm.install-v1+json.
    if (!req.headers.accept?.includes('application/vnd.npm.install-v1+json')) {
      res.writeHead(406);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.npm.install-v1+json' });
    res.end(
      JSON.stringify({
        name,
        'dist-tags': { latest, next: `${Number(latest.split('.')[0]) + 1}.0.0-canary.1` },
        modified: '2026-11-30T10:00:00.000Z',
        versions: {
          '1.0.0': { name, version: '1.0.0', dist: { tarball: `http://x/${name}-1.0.0.tgz` } },
          [latest]: { name, version: latest, dist: { tarball: `http://x/${name}-${latest}.tgz` } },
        },
      }),
    );
  });
  return new Promise<{
    url: string;
    requests: string[];
    state: { distTags: boolean };
    close: () => Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        state,
        close: () => new Promise((done) => server.close(() => done())),
      });
    }),
  );
}

const ids = {
  next: '01KC000000000000000000000A',
  react: '01KC000000000000000000000B',
  express: '01KC000000000000000000000C',
  postgres: '01KC000000000000000000000D',
  review: '01KC000000000000000000000E',
  missing: '01KC000000000000000000000F',
  scoped: '01KC000000000000000000000G',
  mixed: '01KC000000000000000000000H',
  pydantic: '01KC000000000000000000000J',
};

const trace = (id: string, title: string, tags: string, extra: string) =>
  traceText({
    id,
    title,
    tags,
    extra,
    body: `## Context\n${title} fails with an error.\n\n## Solution\nDo the documented thing for ${title}.\n`,
  });

describe('ct stale: traces that need review, against a registry', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    registry = await startRegistry();
    root = await makeStore('stale-store');
    const files: [string, string][] = [
      [
        'nextjs/app-router.md',
        trace(
          ids.next,
          'Next.js app router cache revalidation in pages',
          '[nextjs, react]',
          'applies_to: { next: "^13.4" }',
        ),
      ],
      [
        'react/effect.md',
        trace(ids.react, 'React useEffect runs twice in strict mode', '[react]', 'applies_to: { react: ">=18" }'),
      ],
      [
        'python/express.md',
        trace(
          ids.express,
          'Express proxy in front of a Python API server',
          '[python, express]',
          'applies_to: { "npm:express": "4.x" }',
        ),
      ],
      [
        'postgresql/pool.md',
        trace(
          ids.postgres,
          'PostgreSQL connection pool exhausted under load',
          '[postgresql]',
          'applies_to: { postgres: ">=12" }',
        ),
      ],
      [
        'docker/old.md',
        trace(ids.review, 'Docker build cache misses after COPY of lockfile', '[docker]', 'review_after: 2020-01-01'),
      ],
      [
        'npm/missing.md',
        trace(
          ids.missing,
          'A private package that the registry does not know',
          '[npm]',
          'applies_to: { no-such-package-here: "^1.0" }',
        ),
      ],
      [
        'widgets/scoped.md',
        trace(
          ids.scoped,
          'Acme widgets render twice with the old API',
          '[widgets]',
          'applies_to: { "@acme/widgets": "^1.2" }',
        ),
      ],
      [
        'django/mixed.md',
        trace(
          ids.mixed,
          'Django templates with a TypeScript front end build',
          '[django, typescript]',
          'applies_to: { django: "^4.2", typescript: ">=5" }',
        ),
      ],
      [
        'python/pydantic.md',
        trace(
          ids.pydantic,
          'Pydantic validator decorator signature changed',
          '[python, pydantic]',
          'applies_to: { pydantic: "^1.10" }',
        ),
      ],
    ];
    for (const [file, text] of files) writeFile(root, `traces/${file}`, text);
    commitAll(root, 'traces');
    env = {
      CT_HOME: path.join(tempDir('ct-home-'), 'ct'),
      CT_NPM_REGISTRY: registry.url,
      CT_PYPI_REGISTRY: registry.url,
    };
  });
  afterAll(async () => {
    await registry.close();
  });

  const stale = async (args: string[] = [], extraEnv: Record<string, string> = {}) => {
    const result = await runCli(['stale', '--store', root, '--json', ...args], { env: { ...env, ...extraEnv } });
    expect(result.code, result.stderr).toBe(0);
    return StaleReportSchema.parse(parseJson(result));
  };

  it('lists ranges that leave out the current major, and passed review dates; says what it did not check', async () => {
    const report = await stale();
    expect(report.traces).toBe(9);
    const found = Object.fromEntries(report.stale.map((t) => [t.id, t.reasons]));
    expect(Object.keys(found).sort()).toEqual([ids.next, ids.express, ids.review, ids.scoped, ids.pydantic].sort());
    expect(found[ids.next]).toEqual([
      expect.objectContaining({
        kind: 'registry',
        ecosystem: 'npm',
        package: 'next',
        range: '^13.4',
        latest: '15.2.0',
      }),
    ]);
    // The npm: prefix wins over the trace's python tag.
    expect(found[ids.express]?.[0]).toMatchObject({ ecosystem: 'npm', package: 'express', latest: '5.1.0' });
    expect(found[ids.scoped]?.[0]).toMatchObject({ package: '@acme/widgets', latest: '2.0.1' });
    expect(found[ids.pydantic]?.[0]).toMatchObject({ ecosystem: 'pypi', package: 'pydantic', latest: '2.9.2' });
    expect(found[ids.review]).toEqual([
      { kind: 'review-due', review_after: '2020-01-01', summary: 'review_after 2020-01-01 has passed' },
    ]);
    const notChecked = Object.fromEntries(report.not_checked.map((n) => [n.key, n.reason]));
    expect(notChecked.postgres).toMatch(/tool or runtime/);
    expect(notChecked['no-such-package-here']).toMatch(/no package no-such-package-here on npm/);
    expect(notChecked.django).toMatch(/mixes npm and pypi packages: prefix the key/);
    expect(report.lookups).toEqual({ fetched: 6, cached: 0, failed: 0 });
    expect(registry.requests).toContain('/-/package/@acme%2Fwidgets/dist-tags');
    // An unknown package: the dist-tags endpoint, then the package document, both 404.
    expect(registry.requests.filter((r) => r.includes('no-such-package-here'))).toEqual([
      '/-/package/no-such-package-here/dist-tags',
      '/no-such-package-here',
    ]);
  });

  it('answers from the cache within its TTL, asks again after it, and survives a dead registry', async () => {
    await stale(); // fills the cache (if the first test did not run)
    const before = registry.requests.length;
    const cached = await stale();
    expect(registry.requests.length).toBe(before);
    expect(cached.lookups).toEqual({ fetched: 0, cached: 6, failed: 0 });

    const refreshed = await stale([], { CT_REGISTRY_TTL_HOURS: '0' });
    expect(refreshed.lookups.fetched).toBe(6);
    expect(registry.requests.length).toBeGreaterThan(before);

    // A registry that does not answer: the older cached answers are used, and the run still succeeds.
    const dead = await stale([], {
      CT_REGISTRY_TTL_HOURS: '0',
      CT_NPM_REGISTRY: 'http://127.0.0.1:9',
      CT_PYPI_REGISTRY: 'http://127.0.0.1:9',
    });
    expect(dead.lookups).toMatchObject({ fetched: 0, failed: 6 });
    expect(dead.stale.map((t) => t.id).sort()).toEqual(refreshed.stale.map((t) => t.id).sort());
  });

  it('reads the package document when the registry has no dist-tags endpoint', async () => {
    registry.state.distTags = false;
    try {
      const report = await stale([], { CT_HOME: path.join(tempDir('ct-home-'), 'ct') });
      expect(registry.requests).toContain('/next');
      expect(report.stale.find((t) => t.id === ids.next)?.reasons[0]).toMatchObject({ latest: '15.2.0' });
      expect(report.lookups).toEqual({ fetched: 6, cached: 0, failed: 0 });
    } finally {
      registry.state.distTags = true;
    }
  });

  it('with no cache and no network: nothing fails, packages are "not checked", review dates still count', async () => {
    const offlineHome = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
    const unreachable = await stale([], {
      ...offlineHome,
      CT_NPM_REGISTRY: 'http://127.0.0.1:9',
      CT_PYPI_REGISTRY: 'http://127.0.0.1:9',
    });
    expect(unreachable.stale.map((t) => t.id)).toEqual([ids.review]);
    expect(unreachable.lookups.failed).toBe(6);
    expect(unreachable.not_checked.find((n) => n.key === 'next')?.reason).toMatch(/registry not reachable/);

    const before = registry.requests.length;
    const offline = await stale(['--offline'], { ...offlineHome, CT_HOME: path.join(tempDir('ct-home-'), 'ct') });
    expect(registry.requests.length).toBe(before);
    expect(offline.not_checked.find((n) => n.key === 'next')?.reason).toBe('offline: no cached answer');

    const human = await runCli(['stale', '--store', root, '--offline'], { env: { ...env, ...offlineHome } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Docker build cache misses after COPY of lockfile');
    expect(human.stdout).toContain('not checked:');
  });

  it('search marks what the cache says is stale, without asking the registry', async () => {
    await stale();
    const before = registry.requests.length;
    const result = await runCli(['search', 'next.js app router cache revalidation', '--store', root, '--json'], {
      env: { ...env, CT_NPM_REGISTRY: 'http://127.0.0.1:9' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(registry.requests.length).toBe(before);
    const { results } = parseJson<{
      results: { id: string; stale: string[]; why: { adjustments: { factor: string; reason: string }[] } }[];
    }>(result);
    const hit = results.find((r) => r.id === ids.next);
    expect(hit?.why.adjustments).toContainEqual(
      expect.objectContaining({ factor: 'stale', reason: expect.stringContaining('npm latest is 15.2.0') }),
    );
    expect(hit?.stale.join(' ')).toContain('next ^13.4 leaves out the current major');

    const fresh = await runCli(['search', 'react useEffect strict mode', '--store', root, '--json'], { env });
    const react = parseJson<{ results: { id: string; stale: string[] }[] }>(fresh).results.find(
      (r) => r.id === ids.react,
    );
    expect(react?.stale).toEqual([]);
  });

  it('the store template runs it on a schedule and opens an issue', () => {
    const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'ct-stale.yml'), 'utf8');
    expect(workflow).toMatch(/schedule:\s*\n\s*- cron:/);
    expect(workflow).toContain('ct stale --store . --json');
    expect(workflow).toContain('issues: write');
  });
});
