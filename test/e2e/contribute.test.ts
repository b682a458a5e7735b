import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContributeResult } from '../../src/contribute/contribute.js';
import { ExitCode } from '../../src/errors.js';
import type { PublishResult } from '../../src/forge/publish.js';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  changedFiles,
  closedPort,
  ctBranches,
  DRAFTS,
  type Draft,
  draftArgs,
  home,
  installHook,
  makeStoreWith,
  objectIds,
  readPendingFile,
  snapshotCheckout,
} from '../helpers/contribution.js';
import { git, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

// The CLI's --json output is the result type derived from the zod schemas in src/.
type PublishOut = PublishResult;
type ContributeOut = ContributeResult;
interface ErrorOut {
  error: { code: string; message: string; hint?: string; data?: Record<string, unknown> };
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

// Every test has its own store, remote and CT_HOME.
// They run one after another: run side by side on a busy 2-core machine, their CLI spawns pushed
// each other past the 60 s test timeout.
describe('ct contribute', () => {
  it('commits on its own branch and pushes it, leaving the working tree, index and current branch as they were', async () => {
    const { root, bare } = await makeStoreWith();
    // A user mid-work: on another branch, with staged, unstaged and untracked changes.
    git(root, 'checkout', '--quiet', '-b', 'work');
    writeFile(root, 'README.md', 'a staged change\n');
    git(root, 'add', 'README.md');
    fs.appendFileSync(path.join(root, 'README.md'), 'and an unstaged one on top\n');
    fs.appendFileSync(path.join(root, 'CONTRIBUTING.md'), '\nunstaged\n');
    writeFile(root, 'scratch/notes.txt', 'untracked\n');
    const before = snapshotCheckout(root);
    const indexBefore = fs.readFileSync(path.join(root, '.git', 'index'));

    const result = await runCli(['contribute', ...draftArgs(DRAFTS.pnpm)], { cwd: root, env: home() });
    expect(result.code, result.stderr).toBe(0);
    expect(fs.readFileSync(path.join(root, '.git', 'index')).equals(indexBefore)).toBe(true);
    expect(snapshotCheckout(root)).toEqual(before);

    const [, id, file, branch] = /^Contributed (\S+) as (\S+) on branch (\S+)$/m.exec(result.stdout) ?? [];
    expect(id).toMatch(ULID);
    expect(file).toBe('traces/pnpm/pnpm-install-fails-with-err-pnpm-outdated-lockfile-in-ci.md');
    expect(result.stdout).toContain(`pushed ${branch} to origin`);
    // On the remote: the branch, one commit on top of main adding only the trace.
    const remote = bare as string;
    expect(ctBranches(remote)).toEqual({ [branch as string]: ctBranches(root)[branch as string] });
    expect(git(remote, 'rev-parse', `${branch}^`)).toBe(git(remote, 'rev-parse', 'main'));
    expect(changedFiles(remote, 'main', branch as string)).toEqual([`A ${file}`]);
    const text = git(remote, 'show', `${branch}:${file}`);
    expect(text).toMatch(new RegExp(`^id: ${id}$`, 'm'));
    expect(text).toContain(`title: ${DRAFTS.pnpm.title}`);
    expect(text).toContain('ERR_PNPM_OUTDATED_LOCKFILE');
    expect(git(remote, 'log', '-1', '--format=%an <%ae>%n%B', branch as string)).toMatch(
      new RegExp(`^Test Author <author@example.com>\\nAdd trace: ${DRAFTS.pnpm.title}\\n[^]*Trace-Id: ${id}`),
    );
    expect(readPendingFile(root)).toEqual([]);
  });

  it('reads JSON on stdin and answers with the --json shape', async () => {
    const { root, bare } = await makeStoreWith();
    const env = home();
    const input = {
      ...DRAFTS.vite,
      tags: ['Vite', 'js'],
      verification: 'Ran `vite` twice; the second one starts on 5174.',
      notes: 'strictPort: true makes it fail instead.',
      applies_to: { vite: '>=5' },
      agent: { model: 'claude-test' },
    };
    const result = await runCli(['contribute', '--json'], { cwd: root, env, input: JSON.stringify(input) });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(Object.keys(out).sort()).toEqual(['branch', 'commit', 'duplicates', 'id', 'path', 'publish', 'warnings']);
    expect(out).toMatchObject({
      path: 'traces/vite/vite-dev-server-exits-with-eaddrinuse-on-port-5173.md',
      duplicates: [],
      warnings: [],
      publish: { status: 'pushed', forge: 'git', branch: out.branch },
    });
    expect(out.id).toMatch(ULID);
    expect(out.branch).toMatch(/^ct\/trace\/vite-dev-server-exits-with-eaddrinuse[a-z0-9-]*-[a-z0-9]{6}$/);
    expect(git(bare as string, 'rev-parse', out.branch).trim()).toBe(out.commit);
    const text = git(bare as string, 'show', `${out.commit}:${out.path}`);
    // Tags are normalised and ct.yml aliases applied (js -> javascript).
    expect(text).toMatch(/^tags: \[ ?vite, javascript ?\]$/m);
    for (const part of ['## Verification', '## Notes', 'model: claude-test', 'vite: ">=5"'])
      expect(text).toContain(part);

    const invalid = await runCli(['contribute', '--json'], {
      cwd: root,
      env,
      input: JSON.stringify({ title: 'too short' }),
    });
    expect(invalid.code).toBe(ExitCode.invalidInput);
    expect(parseJson<ErrorOut>(invalid).error).toMatchObject({
      code: 'contribution-invalid',
      message: expect.stringMatching(/context/),
    });
    expect(Object.keys(ctBranches(root))).toEqual([out.branch]);
  });

  it('runs two contributions at once without clobbering; with the remote down both wait in pending.json until ct publish', async () => {
    const { root, bare } = await makeStoreWith();
    const remote = bare as string;
    const env = home();
    const before = snapshotCheckout(root);
    const both = async (a: Draft, b: Draft) => {
      const results = await Promise.all(
        [a, b].map((d) => runCli(['contribute', '--json', ...draftArgs(d)], { cwd: root, env })),
      );
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      return results.map((r) => parseJson<ContributeOut>(r));
    };

    const [pnpm, vite] = (await both(DRAFTS.pnpm, DRAFTS.vite)) as [ContributeOut, ContributeOut];
    expect(pnpm.branch).not.toBe(vite.branch);
    expect(ctBranches(remote)).toEqual({ [pnpm.branch]: pnpm.commit, [vite.branch]: vite.commit });
    expect(changedFiles(remote, 'main', pnpm.branch)).toEqual([`A ${pnpm.path}`]);
    expect(changedFiles(remote, 'main', vite.branch)).toEqual([`A ${vite.path}`]);
    expect(readPendingFile(root)).toEqual([]);

    // The remote goes away: both commits stay on their branches and both are remembered.
    git(root, 'remote', 'set-url', 'origin', `http://127.0.0.1:${await closedPort()}/store.git`);
    const [jest, distutils] = (await both(DRAFTS.jest, DRAFTS.distutils)) as [ContributeOut, ContributeOut];
    for (const out of [jest, distutils]) {
      expect(out.publish).toMatchObject({
        status: 'local',
        message: expect.stringMatching(/^committed on local branch \S+, but the push to origin failed/),
        hint: expect.stringContaining('ct publish'),
      });
      expect(ctBranches(root)[out.branch]).toBe(out.commit);
    }
    expect(
      readPendingFile(root)
        .map((p) => p.branch)
        .sort(),
    ).toEqual([jest.branch, distutils.branch].sort());
    expect(snapshotCheckout(root)).toEqual(before);

    git(root, 'remote', 'set-url', 'origin', remote);
    const published = await runCli(['publish', '--json'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    const statuses = parseJson<{ published: PublishOut[] }>(published)
      .published.map((p) => `${p.branch} ${p.status}`)
      .sort();
    expect(statuses).toEqual([`${distutils.branch} pushed`, `${jest.branch} pushed`].sort());
    expect(ctBranches(remote)).toEqual(ctBranches(root));
    expect(Object.keys(ctBranches(root))).toHaveLength(4);
    expect(readPendingFile(root)).toEqual([]);
    expect(snapshotCheckout(root)).toEqual(before);
  });

  it('with no remote, keeps the commit on a local branch and says how to publish it', async () => {
    const { root } = await makeStoreWith({}, { remote: false });
    const env = home();
    const result = await runCli(['contribute', ...draftArgs(DRAFTS.jest)], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const [branch, commit] = Object.entries(ctBranches(root))[0] ?? [];
    expect(branch).toMatch(/^ct\/trace\/jest-syntaxerror-cannot-use-import/);
    expect(result.stdout).toContain(`committed on local branch ${branch}; the store has no remote "origin"`);
    expect(result.stdout).toMatch(
      /hint: add one \(git -C \S+ remote add origin <url>\), then run `ct publish --store \S+`/,
    );
    expect(readPendingFile(root)).toMatchObject([{ branch, kind: 'trace' }]);

    const bare = path.join(tempDir('ct-remote-'), 'remote.git');
    git(root, 'clone', '--quiet', '--bare', root, bare);
    git(bare, 'update-ref', '-d', `refs/heads/${branch}`);
    git(root, 'remote', 'add', 'origin', bare);
    const published = await runCli(['publish'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`pushed ${branch} to origin`);
    expect(ctBranches(bare)).toEqual({ [branch as string]: commit });
    expect(readPendingFile(root)).toEqual([]);
  });

  it('a push the remote rejects keeps the branch, says how to retry, and ct publish finishes it once the remote is fixed', async () => {
    const { root, bare } = await makeStoreWith();
    const remote = bare as string;
    installHook(remote, 'pre-receive', 'echo "pushes are frozen for the release" >&2\nexit 1');
    const env = home();
    const result = await runCli(['contribute', '--json', ...draftArgs(DRAFTS.distutils)], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<ContributeOut>(result);
    expect(out.publish).toMatchObject({
      status: 'local',
      forge: 'git',
      message: expect.stringContaining(`committed on local branch ${out.branch}, but the push to origin failed`),
      hint: expect.stringContaining('ct publish'),
    });
    // The reason the remote gave is passed on, not git's generic advice.
    expect(out.publish?.message).toContain('[remote rejected] (pre-receive hook declined)');
    expect(out.publish?.message).toContain('remote: pushes are frozen for the release');
    expect(out.publish?.message).not.toContain('hint:');
    expect(ctBranches(remote)).toEqual({});
    expect(ctBranches(root)).toEqual({ [out.branch]: out.commit });
    expect(readPendingFile(root)).toMatchObject([{ branch: out.branch, kind: 'trace' }]);

    const stillBroken = await runCli(['publish'], { cwd: root, env });
    expect(stillBroken.code).toBe(ExitCode.network);
    expect(readPendingFile(root)).toHaveLength(1);

    fs.rmSync(path.join(remote, 'hooks', 'pre-receive'));
    const published = await runCli(['publish', '--json'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    expect(parseJson<{ published: PublishOut[] }>(published).published).toMatchObject([
      { branch: out.branch, status: 'pushed' },
    ]);
    expect(ctBranches(remote)).toEqual({ [out.branch]: out.commit });
    expect(readPendingFile(root)).toEqual([]);
  });

  it('refuses a secret in any field or code block: exit 9, nothing written, the secret masked', async () => {
    const { root, bare } = await makeStoreWith();
    // Assembled at run time so secret scanners do not flag this file.
    const github = ['ghp', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('_');
    const stripe = ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dcQ9'].join('_');
    const base = DRAFTS.pnpm;
    // [the field the message names, the contribution, the secret in it]
    const cases: [string, Record<string, unknown>, string][] = [
      ['title', { ...base, title: `GitHub API answers 401 for token ${github}` }, github],
      ['context', { ...base, context: `${base.context} The workflow sets GITHUB_TOKEN=${github} by hand.` }, github],
      [
        'solution',
        {
          ...base,
          solution: `${base.solution}\n\n\`\`\`sh\ncurl https://api.stripe.com/v1/charges -u ${stripe}:\n\`\`\``,
        },
        stripe,
      ],
      ['verification', { ...base, verification: `Checked with STRIPE_KEY=${stripe} npm test.` }, stripe],
      ['notes', { ...base, notes: `The old token was ${github}; it is revoked.` }, github],
    ];
    const env = home();
    const refsBefore = git(root, 'for-each-ref');
    const objectsBefore = objectIds(root);
    const remoteObjects = objectIds(bare as string);
    const checkout = snapshotCheckout(root);
    const [human, ...results] = await Promise.all([
      runCli(['contribute', ...draftArgs({ ...base, context: `${base.context} Token: ${github}` })], {
        cwd: root,
        env,
      }),
      ...cases.map(([, input]) => runCli(['contribute', '--json'], { cwd: root, env, input: JSON.stringify(input) })),
    ]);
    for (const [i, result] of results.entries()) {
      const [field, , secret] = cases[i] as [string, Record<string, unknown>, string];
      expect(result.code, `${field}: ${result.stderr}`).toBe(ExitCode.secretFound);
      const { error } = parseJson<ErrorOut>(result);
      expect(error.code, field).toBe('secret-found');
      expect(error.message, field).toMatch(
        new RegExp(`^secrets found, nothing was committed: line \\d+ \\(${field}\\): `),
      );
      expect(error.hint, field).toMatch(/placeholder|environment variable/);
      // Masked: a few leading characters and the length, never the rest.
      expect(error.message, field).toContain(`${secret.slice(0, 6)}…(${secret.length} chars)`);
      expect(result.stdout + result.stderr, field).not.toContain(secret);
      expect(result.stdout + result.stderr, field).not.toContain(secret.slice(8));
    }
    // The title is the third line of the file (after --- and id).
    expect(parseJson<ErrorOut>(results[0]!).error.message).toMatch(/: line 3 \(title\): /);
    expect(git(root, 'for-each-ref')).toBe(refsBefore);
    expect(objectIds(root)).toEqual(objectsBefore);
    expect(objectIds(bare as string)).toEqual(remoteObjects);
    expect(snapshotCheckout(root)).toEqual(checkout);
    expect(readPendingFile(root)).toEqual([]);
    expect(human?.code).toBe(ExitCode.secretFound);
    expect(human?.stderr).toMatch(/secrets found, nothing was committed: line \d+ \(context\)/);
    expect(human?.stderr).not.toContain(github);
  });

  it('refuses a near-duplicate without --force (exit 2, naming the trace) and accepts it with --force', async () => {
    const { root, bare } = await makeStoreWith({ 'traces/docker-compose/a.md': traceText() });
    const env = home();
    const draft = {
      title: 'Docker Compose healthcheck for PostgreSQL before the app starts',
      tags: ['docker-compose', 'postgresql'],
      context:
        '`docker compose up` starts the app before PostgreSQL accepts connections and it fails with connection refused.',
      solution:
        'Give the db service a healthcheck (pg_isready) and make the app depend on it with condition: service_healthy.',
    };
    const refused = await runCli(['contribute', '--json', ...draftArgs(draft)], { cwd: root, env });
    expect(refused.code, refused.stderr).toBe(ExitCode.usage);
    const { error } = parseJson<ErrorOut>(refused);
    expect(error).toMatchObject({ code: 'near-duplicate', hint: expect.stringContaining(`ct amend ${VALID_ID}`) });
    expect(error.message).toContain(VALID_ID);
    expect(error.data?.duplicates).toMatchObject([{ id: VALID_ID, path: 'traces/docker-compose/a.md' }]);
    expect(ctBranches(root)).toEqual({});

    const forced = await runCli(['contribute', '--json', '--force', ...draftArgs(draft)], { cwd: root, env });
    expect(forced.code, forced.stderr).toBe(0);
    const out = parseJson<ContributeOut>(forced);
    expect(out.duplicates).toMatchObject([{ id: VALID_ID }]);
    expect(out.duplicates[0]?.similarity).toBeGreaterThanOrEqual(0.85);
    expect(out.path).toMatch(/^traces\/docker-compose\/docker-compose-healthcheck-for-postgresql-[a-z-]+\.md$/);
    expect(forced.stderr).toContain(`near-duplicates (contributed anyway with --force): ${VALID_ID}`);
    expect(ctBranches(bare as string)).toEqual({ [out.branch]: out.commit });
  });
});
