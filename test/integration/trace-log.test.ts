import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { voterKey } from '../../src/ballot/schema.js';
import { ExitCode } from '../../src/errors.js';
import { getTraceLog, type TraceLog, TraceLogSchema } from '../../src/trace-log/trace-log.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { cloneOf, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

const identity = (name: string) => {
  const email = `${name.toLowerCase()}@example.com`;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
};
const ALICE = identity('Alice');
const BOB = identity('Bob');

/**
 * A maintainer's store with a bare remote, and two contributors' clones. Contributions go
 * through the real CLI as Alice or Bob; the maintainer merges each pushed branch with a plain
 * `git merge --no-ff` (as a forge's merge button would), so the history is a real one.
 */
async function setUp() {
  const root = await makeStore('history-store');
  const bare = makeBareRemote(root);
  const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
  const clones = { alice: cloneOf(bare, 'alice'), bob: cloneOf(bare, 'bob') };
  const ct = async (who: 'alice' | 'bob', args: string[]) => {
    const result = await runCli([...args, '--json'], {
      cwd: clones[who],
      env: { ...env, ...(who === 'alice' ? ALICE : BOB) },
    });
    expect(result.code, `ct ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return parseJson<{ id: string; branch: string; path: string }>(result);
  };
  const merge = (branch: string) => {
    git(root, 'fetch', '--quiet', 'origin');
    git(root, 'merge', '--quiet', '--no-ff', '--no-edit', `origin/${branch}`);
    git(root, 'push', '--quiet', 'origin', 'main');
    for (const dir of Object.values(clones)) git(dir, 'pull', '--quiet');
  };
  return { root, bare, env, clones, ct, merge };
}

describe('ct log: the life of a trace from git history', () => {
  it('shows created, own vote (not counted), amended with its reason, changed vote and flag, in order', {
    timeout: 240_000,
  }, async () => {
    const { root, env, ct, merge } = await setUp();
    const trace = await ct('alice', [
      'contribute',
      '--title',
      'Docker Compose healthcheck for PostgreSQL before the app starts',
      '--tags',
      'docker-compose,postgresql',
      '--context',
      'docker compose up starts the app before PostgreSQL accepts connections: connection refused',
      '--solution',
      'Add a healthcheck running pg_isready and make the app depend on it with condition: service_healthy.',
    ]);
    merge(trace.branch);
    merge((await ct('alice', ['vote', trace.id, 'up', '--reason', 'works for me'])).branch);
    merge((await ct('bob', ['vote', trace.id, 'up'])).branch);
    merge(
      (
        await ct('bob', [
          'amend',
          trace.id,
          '--reason',
          'Compose v2 needs the long depends_on syntax',
          '--solution',
          'Add a healthcheck running pg_isready, then under the app service write depends_on: db: condition: service_healthy.',
        ])
      ).branch,
    );
    merge((await ct('bob', ['vote', trace.id, 'down', '--reason', 'still races on slow disks'])).branch);
    merge((await ct('bob', ['flag', trace.id, '--reason', 'outdated', '--note', 'Compose v1 is end of life'])).branch);

    const result = await runCli(['log', trace.id.slice(0, 10).toLowerCase(), '--json'], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const log = TraceLogSchema.parse(parseJson(result));
    expect(log).toMatchObject({
      id: trace.id,
      path: trace.path,
      deleted: false,
      title: 'Docker Compose healthcheck for PostgreSQL before the app starts',
      author: { name: 'Alice', email: 'alice@example.com' },
    });
    expect(log.events.map((e) => `${e.type} ${e.author.name}`)).toEqual([
      'created Alice',
      'vote Alice',
      'vote Bob',
      'amended Bob',
      'vote Bob',
      'flag Bob',
    ]);
    const [created, own, bobUp, amended, bobDown, flag] = log.events;
    expect(created).toMatchObject({ type: 'created', path: trace.path, author: { email: 'alice@example.com' } });
    expect(own).toMatchObject({
      type: 'vote',
      action: 'cast',
      vote: 'up',
      reason: 'works for me',
      counts: false,
      voter: voterKey('alice@example.com'),
      committed_by_voter: true,
    });
    expect(own?.summary).toMatch(/not counted/);
    expect(bobUp).toMatchObject({
      type: 'vote',
      action: 'cast',
      vote: 'up',
      counts: true,
      voter: voterKey('bob@example.com'),
    });
    expect(amended).toMatchObject({
      type: 'amended',
      reason: 'Compose v2 needs the long depends_on syntax',
      subject: expect.stringMatching(/^Amend trace: /),
    });
    expect(bobDown).toMatchObject({
      type: 'vote',
      action: 'changed',
      vote: 'down',
      reason: 'still races on slow disks',
      counts: true,
    });
    expect(flag).toMatchObject({
      type: 'flag',
      action: 'raised',
      reason: 'outdated',
      note: 'Compose v1 is end of life',
    });
    for (const event of log.events) expect(event.commit).toMatch(/^[0-9a-f]{40}$/);
    const times = log.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(log.current).toEqual({ up: 0, down: 1, not_counted: 1, flags: 1, status: 'active' });

    const human = await runCli(['log', trace.id], { cwd: root, env });
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    const order = ['created', 'vote up', 'amended', 'vote down', 'flagged'].map((label) =>
      lines.findIndex((l) => l.includes(`  ${label}`)),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(human.stdout).toContain('amended: Compose v2 needs the long depends_on syntax');
    expect(human.stdout).toContain('now: 0 up, 1 down (+1 not counted), 1 flag');
  });

  it('follows renames, and reports deprecation and deletion; finds deleted traces', { timeout: 120_000 }, async () => {
    const { root, env, ct, merge } = await setUp();
    const trace = await ct('alice', [
      'contribute',
      '--title',
      'pip install fails with externally-managed-environment on Debian 12',
      '--tags',
      'python,pip',
      '--context',
      'pip install requests fails: error: externally-managed-environment (PEP 668)',
      '--solution',
      'Create a virtual environment first: python3 -m venv .venv && . .venv/bin/activate, then pip install.',
    ]);
    merge(trace.branch);
    const moved = 'traces/pip/pep-668.md';
    git(root, 'mv', trace.path, moved.replace('traces/pip/', 'traces/python/'));
    git(root, 'commit', '--quiet', '-m', 'Shorter file name');
    writeFile(root, 'traces/pip/.keep', '');
    git(root, 'mv', moved.replace('traces/pip/', 'traces/python/'), moved);
    git(root, 'commit', '--quiet', '-m', 'Move to the pip folder');
    const text = git(root, 'show', `HEAD:${moved}`).replace('status: active', 'status: deprecated');
    writeFile(root, moved, text);
    git(root, 'commit', '--quiet', '-am', 'Deprecate the PEP 668 trace', '-m', 'Superseded by the uv trace');
    const beforeDelete = git(root, 'rev-parse', 'HEAD').trim();
    git(root, 'rm', '--quiet', moved);
    git(root, 'commit', '--quiet', '-m', 'Remove the PEP 668 trace', '-m', 'Duplicate of the uv trace');

    const log: TraceLog = await getTraceLog(root, trace.id.slice(0, 12).toLowerCase());
    expect(log).toMatchObject({ id: trace.id, path: moved, deleted: true, current: { status: null } });
    expect(log.events.map((e) => e.type)).toEqual(['created', 'renamed', 'renamed', 'deprecated', 'deleted']);
    expect(log.events[1]).toMatchObject({
      type: 'renamed',
      from: trace.path,
      path: 'traces/python/pep-668.md',
      author: { name: 'Test Author' },
    });
    expect(log.events[2]).toMatchObject({ type: 'renamed', from: 'traces/python/pep-668.md', path: moved });
    expect(log.events[3]).toMatchObject({ type: 'deprecated', reason: 'Superseded by the uv trace' });
    expect(log.events[4]).toMatchObject({ type: 'deleted', path: moved, reason: 'Duplicate of the uv trace' });

    const earlier = await getTraceLog(root, trace.id, { ref: beforeDelete });
    expect(earlier).toMatchObject({
      deleted: false,
      path: moved,
      commit: beforeDelete,
      current: { status: 'deprecated' },
    });
    expect(earlier.events.map((e) => e.type)).toEqual(['created', 'renamed', 'renamed', 'deprecated']);

    const missing = await runCli(['log', '01KB000000000000000000000Z', '--json'], { cwd: root, env });
    expect(missing.code).toBe(ExitCode.notFound);
    expect(parseJson<{ error: { code: string } }>(missing).error.code).toBe('trace-not-found');
    const badRef = await runCli(['log', trace.id, '--ref', 'no-such-branch', '--json'], { cwd: root, env });
    expect(badRef.code).toBe(ExitCode.notFound);
    expect(parseJson<{ error: { code: string } }>(badRef).error.code).toBe('ref-not-found');
  });

  it('says when a trace is not committed yet', async () => {
    const root = await makeStore('fresh-store');
    writeFile(
      root,
      'traces/python/draft.md',
      `---\nid: 01KB000000000000000000000D\ntitle: A draft that is not committed yet\ntags: [python]\ncreated: 2026-11-21\n---\n## Context\nx\n\n## Solution\ny\n`,
    );
    await expect(getTraceLog(root, '01KB000000000000000000000D')).rejects.toMatchObject({
      code: 'trace-not-committed',
      exit: ExitCode.notFound,
    });
  });
});
