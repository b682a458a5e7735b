import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContributeResult } from '../../src/contribute/contribute.js';
import type { PublishResult } from '../../src/forge/publish.js';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  ctBranches,
  DRAFTS,
  draftArgs,
  home,
  installHook,
  makeStoreWith,
  readPendingFile,
  recordPushHook,
  setConfig,
} from '../helpers/contribution.js';
import { git } from '../helpers/git.js';
import { startGitHubApi } from '../helpers/github-api-server.js';
import { startGitHttpServer } from '../helpers/http-git-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

// The CLI's --json output is the result type derived from the zod schemas in src/.
type PublishOut = PublishResult;
type ContributeOut = ContributeResult;

/** What a recordPushHook wrote: the push options and the refs that arrived. */
function readRecord(file: string): { options: string[]; refs: Record<string, string> } {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
  return {
    options: lines.filter((l) => l.startsWith('option ')).map((l) => l.slice('option '.length)),
    refs: Object.fromEntries(
      lines.filter((l) => l.startsWith('ref ')).map((l) => l.slice('ref '.length).split(' ') as [string, string]),
    ),
  };
}

/** A bare remote that accepts push options and records them, as GitLab and Gitea servers do. */
function recordingRemote(bare: string, say: string): string {
  git(bare, 'config', 'receive.advertisePushOptions', 'true');
  const record = path.join(tempDir('ct-push-'), 'record.txt');
  installHook(bare, 'post-receive', recordPushHook(record, say));
  return record;
}

// Every test has its own store, remote, servers and CT_HOME; servers are closed when their test
// finishes, whatever happened.
// They run one after another: run side by side on a busy 2-core machine, their CLI spawns pushed
// each other past the 60 s test timeout.
describe('publishing to forges', () => {
  it("pushes over smart HTTP with credentials from the clone's credential helper; refused credentials keep the commit for ct publish", async ({
    onTestFinished,
  }) => {
    const projectRoot = tempDir('ct-http-');
    const { root } = await makeStoreWith({}, { remote: false });
    const bare = path.join(projectRoot, 'team', 'traces.git');
    git(root, 'clone', '--quiet', '--bare', root, bare);
    const server = await startGitHttpServer({ projectRoot, username: 'alice', password: 's3cret-pass' });
    onTestFinished(server.close);
    git(root, 'remote', 'add', 'origin', `${server.url}/team/traces.git`);
    const helper = (password: string) =>
      git(root, 'config', 'credential.helper', `!f() { echo username=alice; echo password=${password}; }; f`);
    const env = home();

    helper('wrong');
    const refused = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.pnpm)], { cwd: root, env });
    expect(refused.code, refused.stderr).toBe(0);
    const out = parseJson<ContributeOut>(refused);
    expect(out.publish).toMatchObject({
      status: 'local',
      message: expect.stringMatching(/push to origin failed: .*(Authentication failed|401)/),
      hint: expect.stringContaining('git credentials'),
    });
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.status === 401)).toBe(true);
    expect(ctBranches(bare)).toEqual({});
    expect(readPendingFile(root)).toMatchObject([{ branch: out.branch }]);

    helper('s3cret-pass');
    const published = await runCli(['publish', '--json'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    expect(parseJson<{ published: PublishOut[] }>(published).published).toMatchObject([
      { branch: out.branch, status: 'pushed', forge: 'git' },
    ]);
    expect(ctBranches(bare)).toEqual({ [out.branch]: out.commit });
    expect(server.requests).toContainEqual({
      method: 'POST',
      path: '/team/traces.git/git-receive-pack',
      user: 'alice',
      status: 200,
    });
    expect(readPendingFile(root)).toEqual([]);
    // The password lives with the credential helper only, never in the remote URL or ct's files.
    expect(git(root, 'remote', 'get-url', 'origin')).not.toContain('s3cret');
    expect(fs.readFileSync(path.join(root, '.ct', 'pending.json'), 'utf8')).not.toContain('s3cret');
  });

  it('GitLab (forge.type gitlab): opens a merge request through push options', async () => {
    const { root, bare } = await makeStoreWith();
    const remote = bare as string;
    const record = recordingRemote(
      remote,
      'echo "View merge request for the branch:"\necho "  http://gitlab.test/team/traces/-/merge_requests/7"',
    );
    setConfig(root, { forge: { type: 'gitlab' } });
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.vite)], { cwd: root, env: home() });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({
      status: 'opened',
      forge: 'gitlab',
      url: 'http://gitlab.test/team/traces/-/merge_requests/7',
    });
    const { options, refs } = readRecord(record);
    expect(options).toEqual([
      'merge_request.create',
      'merge_request.target=main',
      `merge_request.title=Add trace: ${DRAFTS.vite.title}`,
      expect.stringMatching(
        new RegExp(`^merge_request\\.description=Adds \`${out.path}\` \\(${out.id}\\)\\. \\*\\*Vite`),
      ),
      'merge_request.remove_source_branch',
    ]);
    expect(refs).toEqual({ [`refs/heads/${out.branch}`]: out.commit });
    expect(ctBranches(remote)).toEqual({ [out.branch]: out.commit });
  });

  it('Gitea (forge.type gitea): opens a pull request through AGit, refs/for/main with topic, title and description', async () => {
    const { root, bare } = await makeStoreWith();
    const remote = bare as string;
    const record = recordingRemote(
      remote,
      'echo "Visit the existing pull request:"\necho "  http://gitea.test/team/traces/pulls/3"',
    );
    setConfig(root, { forge: { type: 'gitea' } });
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.jest)], { cwd: root, env: home() });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({
      status: 'opened',
      forge: 'gitea',
      url: 'http://gitea.test/team/traces/pulls/3',
    });
    const { options, refs } = readRecord(record);
    expect(options).toEqual([
      `topic=${out.branch.replace(/^ct\//, '').replace(/\//g, '-')}`,
      `title=Add trace: ${DRAFTS.jest.title}`,
      expect.stringMatching(new RegExp(`^description=Adds \`${out.path}\``)),
    ]);
    expect(refs).toEqual({ 'refs/for/main': out.commit });
    expect(git(remote, 'rev-parse', 'refs/for/main').trim()).toBe(out.commit);
    // AGit needs no branch on the server.
    expect(ctBranches(remote)).toEqual({});
  });

  it('GitHub (forge.type github): pushes, then opens the pull request through the REST API with the token', async ({
    onTestFinished,
  }) => {
    const api = await startGitHubApi({ owner: 'team', repo: 'traces', token: 'gh-test-token' });
    onTestFinished(api.close);
    const { root, bare } = await makeStoreWith({ 'traces/docker-compose/a.md': traceText() });
    const remote = bare as string;
    setConfig(root, { forge: { type: 'github', api_url: api.url, repository: 'team/traces' } });
    const env = { ...home(), GITHUB_TOKEN: 'gh-test-token' };
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.distutils)], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({ status: 'opened', forge: 'github', url: `${api.url}/team/traces/pull/1` });
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.authorization).toMatch(/^(token|Bearer) gh-test-token$/);
    expect(api.calls[0]?.body).toMatchObject({
      title: `Add trace: ${DRAFTS.distutils.title}`,
      head: out.branch,
      base: 'main',
      body: expect.stringContaining(out.path),
    });
    // The head was on the remote before the pull request was asked for.
    expect(ctBranches(remote)[out.branch]).toBe(out.commit);
    expect(readPendingFile(root)).toEqual([]);

    // A changed vote updates the voter's branch; GitHub already has its pull request.
    const up = parseJson<ContributeOut>(await runCli(['vote', VALID_ID, 'up', '--json'], { cwd: root, env }));
    expect(up.publish).toMatchObject({ status: 'opened', url: `${api.url}/team/traces/pull/2` });
    const downResult = await runCli(['vote', VALID_ID, 'down', '--reason', 'wrong flag for Compose v1', '--json'], {
      cwd: root,
      env,
    });
    const down = parseJson<ContributeOut>(downResult);
    expect(down.publish, downResult.stderr).toMatchObject({
      status: 'opened',
      url: `${api.url}/team/traces/pull/2`,
      message: expect.stringContaining('already open'),
    });
    expect(ctBranches(remote)[down.branch]).toBe(down.commit);
    expect(api.pulls.map((p) => p.head)).toEqual([out.branch, up.branch]);
  });

  it('GitHub: a refused token leaves the branch pushed and the pull request to ct publish', async ({
    onTestFinished,
  }) => {
    const api = await startGitHubApi({ owner: 'team', repo: 'traces', token: 'gh-good-token' });
    onTestFinished(api.close);
    const { root, bare } = await makeStoreWith();
    setConfig(root, { forge: { type: 'github', api_url: api.url, repository: 'team/traces' } });
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.pnpm)], {
      cwd: root,
      env: { ...home(), GITHUB_TOKEN: 'gh-expired-token' },
    });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({
      status: 'pushed',
      forge: 'github',
      message: expect.stringContaining('GitHub refused the token from GITHUB_TOKEN (HTTP 401)'),
      hint: expect.stringContaining('ct publish'),
    });
    expect(api.pulls).toEqual([]);
    expect(ctBranches(bare as string)).toEqual({ [out.branch]: out.commit });
    expect(readPendingFile(root)).toMatchObject([{ branch: out.branch }]);

    const published = await runCli(['publish', '--json'], {
      cwd: root,
      env: { ...home(), GITHUB_TOKEN: 'gh-good-token' },
    });
    expect(published.code, published.stderr).toBe(0);
    expect(parseJson<{ published: PublishOut[] }>(published).published).toMatchObject([
      { branch: out.branch, status: 'opened', url: `${api.url}/team/traces/pull/1` },
    ]);
    expect(api.pulls).toMatchObject([{ head: out.branch, base: 'main', title: `Add trace: ${DRAFTS.pnpm.title}` }]);
    expect(readPendingFile(root)).toEqual([]);
  });

  it('gives up on a remote that never answers after forge.timeout_seconds, keeping the commit', async ({
    onTestFinished,
  }) => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const { root } = await makeStoreWith();
    setConfig(root, { forge: { timeout_seconds: 1 } });
    git(
      root,
      'remote',
      'set-url',
      'origin',
      `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/traces.git`,
    );
    // Without the timeout this would hang until the test's own timeout; the message says it fired.
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.vite)], { cwd: root, env: home() });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({
      status: 'local',
      message: expect.stringContaining('git push timed out after 1 s'),
      hint: expect.stringContaining('ct publish'),
    });
    expect(ctBranches(root)).toEqual({ [out.branch]: out.commit });
    expect(readPendingFile(root)).toMatchObject([{ branch: out.branch }]);
  });
});
