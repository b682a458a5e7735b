import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../src/search/schema.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { home } from '../helpers/contribution.js';
import { commitAll, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'run.js');

const ids = {
  teamRedis: '01KF000000000000000000000A',
  teamPg: '01KF000000000000000000000B',
  opsRedis: '01KF000000000000000000000C',
  opsCron: '01KF000000000000000000000D',
};
const REDIS_TITLE = 'Redis connection refused inside the docker compose network';

/** A store with a bare remote, its traces pushed: what `ct store add <url>` subscribes to. */
async function remoteStore(name: string, traces: Record<string, string>, config?: (t: string) => string) {
  const origin = await makeStore(name);
  if (config)
    fs.writeFileSync(path.join(origin, 'ct.yml'), config(fs.readFileSync(path.join(origin, 'ct.yml'), 'utf8')));
  for (const [file, text] of Object.entries(traces)) writeFile(origin, file, text);
  commitAll(origin, 'traces');
  const bare = makeBareRemote(origin);
  git(origin, 'push', '--quiet', 'origin', 'main');
  return { origin, bare };
}

const redis = (id: string, body = 'redis connection refused at localhost:6379 from the app container') =>
  traceText({
    id,
    title: REDIS_TITLE,
    tags: '[redis, docker-compose]',
    body: `## Context\n${body}\n\n## Solution\nUse the service name: redis://redis:6379 in the app's settings.\n`,
  });

describe('one search over several stores, each with its own trust (federation)', () => {
  const env = { ...(process.env as Record<string, string>), ...home() };
  const cwd = tempDir('ct-fed-cwd-');
  let team: Awaited<ReturnType<typeof remoteStore>>;
  let ops: Awaited<ReturnType<typeof remoteStore>>;
  let client: Client;
  const ct = (args: string[]) => runCli(args, { env, cwd });
  const search = async (query: string, extra: string[] = []) => {
    const result = await ct(['search', query, '--json', '--limit', '10', ...extra]);
    expect(result.code, result.stderr).toBe(0);
    return { ...parseJson<SearchResponse>(result), stderr: result.stderr };
  };

  beforeAll(async () => {
    team = await remoteStore('team', {
      'traces/redis/redis.md': redis(ids.teamRedis),
      'traces/postgresql/pg.md': traceText({ id: ids.teamPg, tags: '[postgresql, docker-compose]' }),
    });
    // The same problem written up again in another store (another id): a near-duplicate.
    ops = await remoteStore('ops', {
      'traces/redis/redis.md': redis(ids.opsRedis, 'the app container gets redis connection refused on port 6379'),
      'traces/cron/cron.md': traceText({
        id: ids.opsCron,
        title: 'Cron job runs twice after the daylight saving time change',
        tags: '[cron]',
        body: '## Context\nA nightly cron job ran twice on the night the clocks changed.\n\n## Solution\nSchedule it in UTC: CRON_TZ=UTC.\n',
      }),
    });
    for (const [name, store] of [
      ['team', team],
      ['ops', ops],
    ] as const)
      expect((await ct(['store', 'add', `file://${store.bare}`, '--name', name])).code).toBe(0);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('lists every subscription, seeds included, and searches them all in one ranked list', async () => {
    const listed = parseJson<{ stores: { name: string; builtin: boolean; weight: number; default: boolean }[] }>(
      await ct(['store', 'list', '--json']),
    );
    expect(listed.stores.map((s) => s.name)).toEqual(['team', 'ops', 'seeds']);

    const all = await search('redis connection refused docker compose');
    expect(all.stores.map((s) => s.name).sort()).toEqual(['ops', 'seeds', 'team']);
    const top = all.results[0];
    // The same trace in two stores appears once, the other store named.
    expect(all.results.filter((r) => r.title === REDIS_TITLE)).toHaveLength(1);
    expect(top?.title).toBe(REDIS_TITLE);
    expect(top?.also_in.map((a) => a.store)).toEqual([top?.store === 'team' ? 'ops' : 'team']);
    expect(all.results.some((r) => r.store === 'seeds')).toBe(true);

    // --store narrows, and repeats.
    const narrowed = await search('redis connection refused docker compose', ['--store', 'ops']);
    expect(narrowed.stores.map((s) => s.name)).toEqual(['ops']);
    expect(narrowed.results[0]).toMatchObject({ id: ids.opsRedis, store: 'ops', also_in: [] });
  });

  it('scales relevance by store weight', async () => {
    const before = await search('redis connection refused', ['--store', 'team', '--store', 'ops']);
    const winner = before.results[0]?.store as string;
    const loser = winner === 'team' ? 'ops' : 'team';
    // Subscribing again with a weight: remove (ct's clone goes) and add.
    expect((await ct(['store', 'remove', loser])).code).toBe(0);
    const bare = loser === 'team' ? team.bare : ops.bare;
    expect((await ct(['store', 'add', `file://${bare}`, '--name', loser, '--weight', '3'])).code).toBe(0);
    const after = await search('redis connection refused', ['--store', 'team', '--store', 'ops']);
    expect(after.results[0]?.store).toBe(loser);
    expect(after.results[0]?.why.store_weight).toBe(3);
  });

  it('answers a pinned store from its pinned commit, whatever is pushed later', async () => {
    const pinned = git(team.origin, 'rev-parse', 'HEAD').trim();
    expect((await ct(['store', 'pin', 'team', pinned])).code).toBe(0);
    writeFile(
      team.origin,
      'traces/redis/later.md',
      traceText({
        id: '01KF00000000000000000000XA',
        title: 'Redis sentinel failover loses writes for seconds',
        tags: '[redis]',
      }),
    );
    commitAll(team.origin, 'later');
    git(team.origin, 'push', '--quiet', 'origin', 'main');
    const synced = await ct(['sync', '--json']);

    expect(synced.code).toBe(0);
    const found = await search('redis sentinel failover', ['--store', 'team']);
    expect(found.results.map((r) => r.id)).not.toContain('01KF00000000000000000000XA');
    const listed = parseJson<{ stores: { name: string; commit: string; pinned: boolean }[] }>(
      await ct(['store', 'list', '--json']),
    );
    expect(listed.stores.find((s) => s.name === 'team')).toMatchObject({ commit: pinned, pinned: true });
    expect((await ct(['store', 'unpin', 'team'])).code).toBe(0);
    const unpinned = await search('redis sentinel failover', ['--store', 'team']);
    expect(unpinned.results.map((r) => r.id)).toContain('01KF00000000000000000000XA');
  });

  it('serves the same federation over MCP (SDK client) with a stores argument', async () => {
    client = new Client({ name: 'ct-fed-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env, cwd, stderr: 'pipe' }),
    );
    const all = await client.callTool({
      name: 'search_traces',
      arguments: { query: 'redis connection refused', limit: 10 },
    });
    const response = all.structuredContent as SearchResponse;
    expect(response.stores.map((s) => s.name).sort()).toEqual(['ops', 'seeds', 'team']);
    expect(response.results.filter((r) => r.title === REDIS_TITLE)).toHaveLength(1);
    const some = await client.callTool({
      name: 'search_traces',
      arguments: { query: 'cron runs twice', stores: ['ops', 'seeds'] },
    });
    expect((some.structuredContent as SearchResponse).stores.map((s) => s.name)).toEqual(['ops', 'seeds']);
  });

  it('routes a vote to the store the trace lives in', async () => {
    const voted = await ct(['vote', ids.opsCron, 'up', '--json']);
    expect(voted.code, voted.stderr).toBe(0);
    const result = parseJson<{ path: string; branch: string }>(voted);
    const opsClone = parseJson<{ stores: { name: string; path: string }[] }>(
      await ct(['store', 'list', '--json']),
    ).stores.find((s) => s.name === 'ops')?.path as string;
    expect(git(opsClone, 'branch', '--list', result.branch).trim()).not.toBe('');
    // Pushed to the ops remote, not to team's.
    expect(git(ops.bare, 'branch', '--list', result.branch).trim()).not.toBe('');
    expect(git(team.bare, 'branch', '--list', result.branch).trim()).toBe('');
  });

  it('gives a session context drawn from every subscribed store (SessionStart hook)', async () => {
    const project = tempDir('ct-fed-project-');
    writeFile(
      project,
      'package.json',
      JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0', redis: '^4.6.0' } }, null, 2),
    );
    const payload = JSON.stringify({
      session_id: 'fed',
      transcript_path: path.join(project, 'fed.jsonl'),
      cwd: project,
      hook_event_name: 'SessionStart',
      source: 'startup',
    });
    const result = await runCli(['hook', 'session-start'], {
      env: { ...env, CT_HOOK_TIMEOUT_MS: '15000' },
      cwd: project,
      input: payload,
    });
    expect(result.code, result.stderr).toBe(0);
    const context = (JSON.parse(result.stdout) as { hookSpecificOutput: { additionalContext: string } })
      .hookSpecificOutput.additionalContext;
    const stores = new Set([...context.matchAll(/<trace id="[0-9A-Z]{26}" store="([a-z]+)"/g)].map((m) => m[1]));
    // The redis trace from a subscribed store (once, though two stores hold it) beside the seeds.
    expect([...stores].some((s) => s === 'team' || s === 'ops')).toBe(true);
    expect(stores.has('seeds')).toBe(true);
    expect(context.split(REDIS_TITLE).length - 1).toBe(1);
  });

  it('routes a contribution to the store named, and guards what a private store holds', async () => {
    const backup = [
      'The nightly backup job fails with ENOSPC: no space left on device while writing the archive.',
      'Write the archive to the data volume (BACKUP_DIR=/data/backups) and prune old archives first.',
    ] as const;
    const contribute = (extra: string[], title: string, [context, solution]: readonly [string, string] = backup) =>
      ct([
        'contribute',
        '--title',
        title,
        '--context',
        context,
        '--solution',
        solution,
        '--tags',
        'ops',
        '--json',
        ...extra,
      ]);
    const named = await contribute(['--store', 'ops'], 'Log rotation stops after logrotate state file corruption', [
      'logrotate silently stops rotating /var/log/app/*.log: error: bad line in state file /var/lib/logrotate/status.',
      'Delete the corrupt state file; logrotate rebuilds it on the next run (logrotate -f /etc/logrotate.conf).',
    ]);
    expect(named.code, named.stderr).toBe(0);
    const { branch } = parseJson<{ branch: string }>(named);
    expect(git(ops.bare, 'branch', '--list', branch).trim()).not.toBe('');
    expect(git(team.bare, 'branch', '--list', branch).trim()).toBe('');

    // team becomes private: the same write-up contributed to ops (public) now needs --force.
    const config = fs.readFileSync(path.join(team.origin, 'ct.yml'), 'utf8');
    fs.writeFileSync(path.join(team.origin, 'ct.yml'), `${config.trimEnd()}\nvisibility: private\n`);
    writeFile(
      team.origin,
      'traces/backup/enospc.md',
      traceText({
        id: '01KF000000000000000000000E',
        title: 'Backup job fails with ENOSPC no space left on device',
        tags: '[backup]',
        body:
          '## Context\nThe nightly backup job fails with ENOSPC: no space left on device while writing the archive.\n\n' +
          '## Solution\nWrite the archive to the data volume (BACKUP_DIR=/data/backups) and prune old archives.\n',
      }),
    );
    commitAll(team.origin, 'private');
    git(team.origin, 'push', '--quiet', 'origin', 'main');
    expect((await ct(['sync', '--store', 'team'])).code).toBe(0);
    const guarded = await contribute(['--store', 'ops'], 'Backup job fails with ENOSPC: no space left on device');
    expect(guarded.code).not.toBe(0);
    expect(guarded.stderr).toMatch(/private store "team"/);
    const forced = await contribute(
      ['--store', 'ops', '--force'],
      'Backup job fails with ENOSPC: no space left on device',
    );
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('skips a store whose directory is gone, with a warning; the others still answer', async () => {
    const listed = parseJson<{ stores: { name: string; path: string }[] }>(await ct(['store', 'list', '--json']));
    fs.rmSync(listed.stores.find((s) => s.name === 'ops')?.path as string, { recursive: true, force: true });
    const found = await search('redis connection refused');
    expect(found.stores.map((s) => s.name).sort()).toEqual(['seeds', 'team']);
    expect(found.stderr).toMatch(/store "ops" skipped/);
    expect(found.results[0]?.store).toBe('team');
    const sync = await ct(['sync', '--json']);
    expect(sync.code).toBe(8);
    expect(
      parseJson<{ stores: { store: string }[] }>(sync)
        .stores.map((s) => s.store)
        .sort(),
    ).toEqual(['seeds', 'team']);
  });

  it('removes the built-in seeds store like any other, and adds it back', async () => {
    expect((await ct(['store', 'remove', 'seeds'])).code).toBe(0);
    const without = await search('react useEffect runs twice', ['--store', 'team']);
    expect(without.results.every((r) => r.store !== 'seeds')).toBe(true);
    const everything = parseJson<{ stores: { name: string }[] }>(await ct(['store', 'list', '--json']));
    expect(everything.stores.map((s) => s.name)).not.toContain('seeds');
    expect((await ct(['store', 'add', 'seeds'])).code).toBe(0);
    const back = await search('react useEffect runs twice');
    expect(back.results[0]?.store).toBe('seeds');
  });
});
