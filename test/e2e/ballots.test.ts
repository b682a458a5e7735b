import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  changedFiles,
  closedPort,
  ctBranches,
  home,
  makeStoreWith,
  readPendingFile,
  setConfig,
  snapshotCheckout,
} from '../helpers/contribution.js';
import { git } from '../helpers/git.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

const OTHER_ID = '01KB000000000000000000000B';
const TRACES = {
  'traces/docker-compose/a.md': traceText(),
  'traces/python/b.md': traceText({
    id: OTHER_ID,
    title: '"asyncio.run() cannot be called from a running event loop"',
    tags: '[python, asyncio]',
  }),
};

interface BallotOut {
  id: string;
  path: string;
  branch: string;
  commit: string;
  changed: boolean;
  warnings: string[];
  publish: { status: string; forge: string | null; branch: string; message: string; hint?: string } | null;
}
interface ErrorOut {
  error: { code: string; message: string; hint?: string };
}

// Every test has its own store, remote and CT_HOME.
// They run one after another: run side by side on a busy 2-core machine, their CLI spawns pushed
// each other past the 60 s test timeout.
describe('ct vote, ct flag and ct amend', () => {
  it('a voter who changes their mind changes their one file: up, then down (which needs a reason)', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    const env = home();
    const before = snapshotCheckout(root);
    const vote = async (...args: string[]) => runCli(['vote', ...args, '--json'], { cwd: root, env });

    const upResult = await vote(VALID_ID.slice(0, 10).toLowerCase(), 'up');
    expect(upResult.code, upResult.stderr).toBe(0);
    const up = parseJson<BallotOut>(upResult);
    expect(up).toMatchObject({ id: VALID_ID, changed: true, publish: { status: 'pushed', branch: up.branch } });
    expect(up.path).toMatch(new RegExp(`^votes/${VALID_ID}/[0-9a-f]{16}\\.yml$`));
    expect(git(remote, 'show', `${up.branch}:${up.path}`)).toMatch(/^vote: up\nat: \S+\n$/);

    const noReason = await vote(VALID_ID, 'down');
    expect(noReason.code).toBe(ExitCode.invalidInput);
    expect(parseJson<ErrorOut>(noReason).error).toMatchObject({
      code: 'reason-required',
      hint: expect.stringContaining('--reason'),
    });
    expect(ctBranches(remote)).toEqual({ [up.branch]: up.commit });

    const downResult = await vote(VALID_ID, 'down', '--reason', 'fails on Compose v2.24: depends_on needs condition');
    expect(downResult.code, downResult.stderr).toBe(0);
    const down = parseJson<BallotOut>(downResult);
    // Before the first vote is merged, the second replaces it on the same branch: one voter, one file.
    expect(down).toMatchObject({ path: up.path, branch: up.branch, changed: true, publish: { status: 'pushed' } });
    expect(ctBranches(remote)).toEqual({ [up.branch]: down.commit });
    expect(ctBranches(root)).toEqual({ [up.branch]: down.commit });
    expect(changedFiles(remote, 'main', down.branch)).toEqual([`A ${up.path}`]);
    expect(git(remote, 'show', `${down.branch}:${up.path}`)).toMatch(
      /^vote: down\nreason: "fails on Compose v2.24: depends_on needs condition"\nat: /,
    );
    expect(readPendingFile(root)).toEqual([]);

    // A reviewer merges it; voting again edits the same file in place.
    git(remote, 'update-ref', 'refs/heads/main', down.commit);
    const again = parseJson<BallotOut>(await vote(VALID_ID, 'up'));
    expect(again).toMatchObject({ path: up.path, changed: true, publish: { status: 'pushed' } });
    expect(changedFiles(remote, 'main', again.branch)).toEqual([`M ${up.path}`]);
    expect(git(remote, 'show', `${again.branch}:${up.path}`)).toMatch(/^vote: up\nat: /);
    expect(git(remote, 'ls-tree', '-r', '--name-only', again.branch, `votes/${VALID_ID}`).trim().split('\n')).toEqual([
      up.path,
    ]);
    expect(snapshotCheckout(root)).toEqual(before);
  });

  it('with policy.direct_push_votes, pushes the vote commit straight to main', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    setConfig(root, { 'policy.direct_push_votes': true });
    const mainBefore = git(remote, 'rev-parse', 'main').trim();
    const result = await runCli(['vote', OTHER_ID, 'up', '--json'], { cwd: root, env: home() });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<BallotOut>(result);
    expect(out.publish).toMatchObject({ status: 'opened', message: 'pushed to main on origin' });
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(out.commit);
    expect(git(remote, 'rev-parse', 'main^').trim()).toBe(mainBefore);
    expect(changedFiles(remote, mainBefore, 'main')).toEqual([`A ${out.path}`]);
    expect(ctBranches(remote)).toEqual({});
    expect(readPendingFile(root)).toEqual([]);
    // The user's own main is not moved: they pull it like any other change.
    expect(git(root, 'rev-parse', 'main').trim()).toBe(mainBefore);
  });

  it('a direct vote that cannot go to main (main moved while offline) is published as a pull request branch by ct publish', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    setConfig(root, { 'policy.direct_push_votes': true });
    const env = home();
    git(root, 'remote', 'set-url', 'origin', `http://127.0.0.1:${await closedPort()}/traces.git`);
    const offline = parseJson<BallotOut>(await runCli(['vote', OTHER_ID, 'up', '--json'], { cwd: root, env }));
    expect(offline.publish).toMatchObject({ status: 'local', hint: expect.stringContaining('ct publish') });
    expect(readPendingFile(root)).toMatchObject([{ branch: offline.branch, kind: 'vote' }]);

    // Meanwhile someone else pushes to main: the vote is no longer a fast-forward of it.
    const theirs = git(remote, 'commit-tree', 'main^{tree}', '-p', 'main', '-m', "someone else's change").trim();
    git(remote, 'update-ref', 'refs/heads/main', theirs);
    git(root, 'remote', 'set-url', 'origin', remote);
    const published = await runCli(['publish', '--json'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    expect(parseJson<{ published: BallotOut['publish'][] }>(published).published).toMatchObject([
      { branch: offline.branch, status: 'pushed' },
    ]);
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(theirs);
    expect(ctBranches(remote)).toEqual({ [offline.branch]: offline.commit });
    expect(readPendingFile(root)).toEqual([]);
  });

  it('flag --reason duplicate needs --duplicate-of; with it, writes flags/<id>/<key>.yml on its own branch', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const env = home();
    const refused = await runCli(['flag', VALID_ID, '--reason', 'duplicate', '--json'], { cwd: root, env });
    expect(refused.code).toBe(ExitCode.invalidInput);
    expect(parseJson<ErrorOut>(refused).error).toMatchObject({
      code: 'duplicate-of-required',
      hint: 'add --duplicate-of <id>',
    });
    expect(ctBranches(root)).toEqual({});

    const result = await runCli(
      [
        'flag',
        VALID_ID,
        '--reason',
        'duplicate',
        '--duplicate-of',
        OTHER_ID,
        '--note',
        'same fix as the asyncio one',
        '--json',
      ],
      { cwd: root, env },
    );
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<BallotOut>(result);
    expect(out).toMatchObject({ id: VALID_ID, changed: true, publish: { status: 'pushed' } });
    expect(out.path).toMatch(new RegExp(`^flags/${VALID_ID}/[0-9a-f]{16}\\.yml$`));
    expect(changedFiles(bare as string, 'main', out.branch)).toEqual([`A ${out.path}`]);
    const file = git(bare as string, 'show', `${out.branch}:${out.path}`);
    expect(file).toMatch(/^reason: duplicate$/m);
    expect(file).toMatch(new RegExp(`^duplicate_of: ${OTHER_ID}$`, 'm'));
    expect(file).toMatch(/^note: same fix as the asyncio one$/m);
  });

  it('amend proposes a new version on a branch whose diff changes only the trace, with the reason in the commit', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    const reason = 'Compose v2 ignores depends_on without a condition';
    const solution =
      'Give db a healthcheck and use `depends_on: { db: { condition: service_healthy } }` in the app service.';
    const result = await runCli(['amend', VALID_ID, '--reason', reason, '--solution', solution, '--json'], {
      cwd: root,
      env: home(),
    });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<BallotOut>(result);
    expect(out).toMatchObject({ id: VALID_ID, path: 'traces/docker-compose/a.md', publish: { status: 'pushed' } });
    expect(out.branch).toMatch(/^ct\/amend\//);
    expect(ctBranches(remote)).toEqual({ [out.branch]: out.commit });
    expect(changedFiles(remote, 'main', out.branch)).toEqual(['M traces/docker-compose/a.md']);
    expect(git(remote, 'log', '-1', '--format=%B', out.branch)).toContain(reason);
    const text = git(remote, 'show', `${out.branch}:traces/docker-compose/a.md`);
    expect(text).toMatch(new RegExp(`^id: ${VALID_ID}$`, 'm'));
    expect(text).toContain(solution);
    expect(text).toContain('psycopg.OperationalError');
  });
});
