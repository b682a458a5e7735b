import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import type { AcceptResult } from '../../src/review/accept.js';
import type { ReviewList } from '../../src/review/list.js';
import type { RejectResult } from '../../src/review/reject.js';
import type { ReviewShow } from '../../src/review/show.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { cloneOf, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

const identity = (name: string) => {
  const email = `${name.toLowerCase()}@example.com`;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
};
const PEOPLE = { alice: identity('Alice'), bob: identity('Bob') };

interface ErrorOut {
  error: { code: string; message: string; hint?: string; data?: Record<string, unknown> };
}

/** A maintainer's store (the temp dir's `root`, on main) with a bare remote and two contributors' clones. */
async function setUp() {
  const root = await makeStore('review-store');
  const bare = makeBareRemote(root);
  const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
  const clones = { alice: cloneOf(bare, 'alice'), bob: cloneOf(bare, 'bob') };
  /** The CLI as a contributor, in their clone. */
  const as = async (who: keyof typeof clones, args: string[]) => {
    const result = await runCli([...args, '--json'], { cwd: clones[who], env: { ...env, ...PEOPLE[who] } });
    expect(result.code, `ct ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return parseJson<{ id: string; branch: string; path: string; commit: string }>(result);
  };
  /** The CLI as the maintainer (the default test identity), in the store. */
  const review = (args: string[], cwd = root) => runCli(['review', ...args, '--json'], { cwd, env });
  const remoteBranches = () =>
    git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/').split('\n').filter(Boolean).sort();
  const pull = () => Object.values(clones).forEach((dir) => git(dir, 'pull', '--quiet'));
  return { root, bare, env, clones, as, review, remoteBranches, pull };
}

const contribution = (title: string, tags: string, topic: string) => [
  'contribute',
  '--title',
  title,
  '--tags',
  tags,
  '--context',
  `${topic} fails in CI with a clear error message that agents will search for`,
  '--solution',
  `Pin the ${topic} version in the workflow and cache its downloads; this makes the job reproducible.`,
];

// They run one after another: run side by side on a busy 2-core machine, their CLI spawns pushed
// each other past the 60 s test timeout.
describe('ct review on a store without a forge', () => {
  it('lists branches with check results; refuses a failing one; accepts, rejects, and names the open ones for an unknown branch', {
    timeout: 240_000,
  }, async () => {
    const { root, bare, clones, as, review, remoteBranches } = await setUp();
    const good = await as(
      'alice',
      contribution('pnpm: ERR_PNPM_OUTDATED_LOCKFILE in CI after a dependency bump', 'pnpm,ci', 'pnpm install'),
    );
    const other = await as(
      'bob',
      contribution('Gradle daemon runs out of metaspace on GitHub Actions runners', 'gradle,ci', 'gradle build'),
    );
    // A bad contribution pushed by hand: the id is not a ULID.
    const bob = clones.bob;
    git(bob, 'switch', '--quiet', '-c', 'ct/trace/bad', 'origin/main');
    writeFile(bob, 'traces/docker-compose/bad.md', traceText({ id: 'not-a-ulid' }));
    git(bob, 'add', '--all');
    execFileSync('git', ['commit', '--quiet', '-m', 'Add a trace by hand'], {
      cwd: bob,
      env: { ...process.env, ...PEOPLE.bob },
    });
    git(bob, 'push', '--quiet', 'origin', 'ct/trace/bad');
    const mainBefore = git(bare, 'rev-parse', 'main').trim();

    const listed = await review(['list']);
    expect(listed.code, listed.stderr).toBe(0);
    const list = parseJson<ReviewList>(listed);
    expect(list).toMatchObject({ remote: 'origin', base: 'main', fetched: true, warnings: [] });
    expect(list.branches.map((b) => b.branch).sort()).toEqual([good.branch, other.branch, 'ct/trace/bad'].sort());
    const byName = Object.fromEntries(list.branches.map((b) => [b.branch, b]));
    expect(byName[good.branch]).toMatchObject({
      kind: 'trace',
      ref: `refs/remotes/origin/${good.branch}`,
      commit: good.commit,
      author: { name: 'Alice', email: 'alice@example.com' },
      commits: 1,
      files: [{ status: 'added', path: good.path }],
      check: { ok: true, errors: 0, checked: 1 },
    });
    expect(byName[good.branch]?.subject).toMatch(/^Add trace: pnpm/);
    expect(byName[other.branch]).toMatchObject({ author: { name: 'Bob' }, check: { ok: true } });
    expect(byName['ct/trace/bad']).toMatchObject({
      kind: 'trace',
      author: { name: 'Bob' },
      files: [{ status: 'added', path: 'traces/docker-compose/bad.md' }],
      check: { ok: false },
    });
    expect(byName['ct/trace/bad']?.check.errors).toBeGreaterThan(0);
    // The scratch worktree is gone and the maintainer's checkout untouched.
    expect(git(root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git(root, 'status', '--porcelain')).toBe('');

    const human = await runCli(['review', 'list'], {
      cwd: root,
      env: { CT_HOME: path.join(tempDir('ct-home-'), 'ct') },
    });
    expect(human.stdout).toMatch(/3 open contribution branch\(es\) on origin, base main/);
    expect(human.stdout).toMatch(/ct\/trace\/bad\s+\d+ error\(s\)/);

    const shown = parseJson<ReviewShow>(await review(['show', 'trace/bad']));
    expect(shown).toMatchObject({ branch: 'ct/trace/bad', base: 'main', check: { ok: false } });
    expect(shown.check.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'traces/docker-compose/bad.md',
          rule: 'trace/invalid-id',
          severity: 'error',
          hint: expect.any(String),
        }),
      ]),
    );
    expect(shown.diff).toContain('+id: not-a-ulid');
    expect(shown.diff).toMatch(/^diff --git a\/traces\/docker-compose\/bad.md/);

    const refused = await review(['accept', 'ct/trace/bad']);
    expect(refused.code).toBe(ExitCode.checkFailed);
    expect(parseJson<ErrorOut>(refused).error).toMatchObject({
      code: 'review-check-failed',
      hint: expect.stringContaining('--force'),
    });
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(mainBefore);
    expect(git(root, 'rev-parse', 'main').trim()).toBe(mainBefore);

    const accepted = await review(['accept', good.branch]);
    expect(accepted.code, accepted.stderr).toBe(0);
    const result = parseJson<AcceptResult>(accepted);
    expect(result).toMatchObject({
      branch: good.branch,
      base: 'main',
      updated: 'checkout',
      pushed: true,
      deleted_remote: true,
      forced: false,
      check: { ok: true },
    });
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(result.merge);
    expect(git(bare, 'rev-list', '--parents', '-n', '1', 'main').trim().split(' ')).toEqual([
      result.merge,
      mainBefore,
      good.commit,
    ]);
    expect(git(bare, 'ls-tree', '-r', '--name-only', 'main')).toContain(good.path);
    expect(remoteBranches()).not.toContain(good.branch);
    // The maintainer was on a clean main: their checkout now has the trace.
    expect(fs.existsSync(path.join(root, good.path))).toBe(true);
    expect(git(root, 'status', '--porcelain')).toBe('');

    const rejected = await review(['reject', 'ct/trace/bad', '--reason', 'the id is not a ULID']);
    expect(rejected.code, rejected.stderr).toBe(0);
    const rejection = parseJson<RejectResult>(rejected);
    expect(rejection).toMatchObject({
      branch: 'ct/trace/bad',
      reason: 'the id is not a ULID',
      deleted_remote: true,
      restore: expect.stringContaining(rejection.commit),
    });
    expect(remoteBranches()).toEqual([other.branch, 'main'].sort());

    const unknown = await review(['accept', 'ct/trace/nope']);
    expect(unknown.code).toBe(ExitCode.notFound);
    expect(parseJson<ErrorOut>(unknown).error).toMatchObject({
      code: 'branch-not-found',
      hint: expect.stringContaining(other.branch),
      data: { open: [other.branch] },
    });
    const merged = await review(['show', good.branch]);
    expect(merged.code).toBe(ExitCode.notFound);
    expect(parseJson<ErrorOut>(merged).error.code).toBe('branch-not-found');

    const after = parseJson<ReviewList>(await review(['list']));
    expect(after.branches.map((b) => b.branch)).toEqual([other.branch]);
  });

  it('merges by plumbing when main is not checked out, and a conflict changes nothing (exit 6)', {
    timeout: 240_000,
  }, async () => {
    const { root, bare, as, review, remoteBranches, pull } = await setUp();
    const trace = await as(
      'alice',
      contribution('Docker build fails: no space left on device on CI runners', 'docker,ci', 'docker build'),
    );
    // The maintainer works on another branch with uncommitted changes: accept must not touch them.
    git(root, 'switch', '--quiet', '-c', 'maintainer-work');
    writeFile(root, 'notes.txt', 'my notes');
    const status = git(root, 'status', '--porcelain');

    const first = parseJson<AcceptResult>(await review(['accept', trace.branch]));
    expect(first).toMatchObject({ updated: 'ref', pushed: true, deleted_remote: true });
    expect(git(root, 'rev-parse', 'main').trim()).toBe(first.merge);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(first.merge);
    expect(git(root, 'branch', '--show-current').trim()).toBe('maintainer-work');
    expect(git(root, 'status', '--porcelain')).toBe(status);
    expect(fs.existsSync(path.join(root, trace.path))).toBe(false);

    // Two amendments of the same section: whichever is accepted second conflicts.
    pull();
    const reason = '--reason';
    const a = await as('alice', [
      'amend',
      trace.id,
      reason,
      'Prune build cache before building',
      '--solution',
      'Run docker builder prune -af before the build step to free the runner disk space.',
    ]);
    const b = await as('bob', [
      'amend',
      trace.id,
      reason,
      'Use a bigger runner instead of pruning',
      '--solution',
      'Move the job to a larger runner with more disk; pruning slows every build down.',
    ]);
    const list = parseJson<ReviewList>(await review(['list']));
    expect(list.branches.map((x) => x.kind)).toEqual(['amend', 'amend']);

    const ok = parseJson<AcceptResult>(await review(['accept', a.branch]));
    expect(ok).toMatchObject({ updated: 'ref', pushed: true });
    const mainBefore = git(bare, 'rev-parse', 'main').trim();
    const conflict = await review(['accept', b.branch]);
    expect(conflict.code).toBe(ExitCode.git);
    const error = parseJson<ErrorOut>(conflict).error;
    expect(error).toMatchObject({ code: 'merge-conflict', data: { files: [trace.path] } });
    expect(error.message).toMatch(/nothing was changed/);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(mainBefore);
    expect(git(root, 'rev-parse', 'main').trim()).toBe(mainBefore);
    expect(remoteBranches()).toContain(b.branch);
    expect(git(root, 'status', '--porcelain')).toBe(status);
  });

  it('uses local ct/* branches when the store has no remote; --no-push merges locally', {
    timeout: 120_000,
  }, async () => {
    const root = await makeStore('local-store');
    const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct'), ...PEOPLE.alice };
    const made = await runCli(
      [
        ...contribution('Poetry lock hangs resolving dependencies behind a proxy', 'poetry,python', 'poetry lock'),
        '--json',
      ],
      { cwd: root, env },
    );
    expect(made.code, made.stderr).toBe(0);
    const trace = parseJson<{ branch: string; path: string; publish: { status: string } }>(made);
    expect(trace.publish.status).toBe('local');
    const maintainer = { CT_HOME: env.CT_HOME };

    const list = parseJson<ReviewList>(await runCli(['review', 'list', '--json'], { cwd: root, env: maintainer }));
    expect(list).toMatchObject({
      remote: null,
      fetched: false,
      branches: [
        { branch: trace.branch, ref: `refs/heads/${trace.branch}`, author: { name: 'Alice' }, check: { ok: true } },
      ],
    });

    const accepted = await runCli(['review', 'accept', trace.branch, '--no-push', '--json'], {
      cwd: root,
      env: maintainer,
    });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(parseJson<AcceptResult>(accepted)).toMatchObject({
      updated: 'checkout',
      pushed: false,
      deleted_remote: false,
      deleted_local: true,
    });
    expect(fs.existsSync(path.join(root, trace.path))).toBe(true);
    expect(git(root, 'branch', '--list', 'ct/*').trim()).toBe('');
    expect(
      parseJson<ReviewList>(await runCli(['review', 'list', '--json'], { cwd: root, env: maintainer })).branches,
    ).toEqual([]);
  });
});
