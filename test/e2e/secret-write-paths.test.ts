import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { type CliResult, parseJson, runCli } from '../helpers/cli.js';
import { DRAFTS, home, makeStoreWith, objectIds, readPendingFile, snapshotCheckout } from '../helpers/contribution.js';
import { commitAll, git, writeFile } from '../helpers/git.js';
import { type SecretFormat, secretFormats } from '../helpers/secret-formats.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');

// Formats the first scanner let through (issue #18), one per write path.
const byName = (name: string) => secretFormats().find((f) => f.name === name) as SecretFormat;
const GITLAB = byName('GitLab personal access token');
const DB_PASSWORD = byName('.env DB_PASSWORD line (quoted)');
const SENDGRID = byName('SendGrid API key');
const EC_KEY = byName('EC private key');
const TWILIO = byName('Twilio account SID and auth token');
const BARE = byName('bare high-entropy base64 string');
const SECRET_KEY = byName('SECRET_KEY of 64 hex characters');
const MAILCHIMP = byName('Mailchimp API key');

interface ErrorOut {
  error: { code: string; message: string; hint?: string };
}

/** Everything in a repository a secret could hide in: refs, objects, the checkout. */
function snapshot(repo: string, checkout = true) {
  return {
    refs: git(repo, 'for-each-ref'),
    objects: objectIds(repo),
    ...(checkout ? { checkout: snapshotCheckout(repo) } : {}),
  };
}

/** No ref, commit message or blob of any ref holds `secret`; nothing changed since `before`. */
function expectNoTrace(repo: string, secret: string, before: ReturnType<typeof snapshot>, checkout = true): void {
  expect(snapshot(repo, checkout)).toEqual(before);
  expect(git(repo, 'log', '--all', '--format=%H%n%B')).not.toContain(secret);
  const tips = git(repo, 'for-each-ref', '--format=%(objectname)').trim().split('\n').filter(Boolean);
  let grep = '';
  try {
    grep = execFileSync('git', ['grep', '-F', '-e', secret, ...tips], { cwd: repo, encoding: 'utf8' });
  } catch (e) {
    // git grep exits 1 when nothing matches.
    expect((e as { status: number }).status).toBe(1);
  }
  expect(grep).toBe('');
}

/** A refused write: exit 9, the secret-found error naming line and field, the secret never echoed. */
function expectRefused(result: CliResult, format: SecretFormat, where: RegExp): void {
  expect(result.code, result.stderr).toBe(ExitCode.secretFound);
  const { error } = parseJson<ErrorOut>(result);
  expect(error.code).toBe('secret-found');
  expect(error.message).toMatch(where);
  expect(error.hint).toMatch(/placeholder|environment variable/);
  expect(result.stdout + result.stderr).not.toContain(format.secret);
  expect(result.stdout + result.stderr).not.toContain(format.secret.slice(6, 16));
}

const TRACES = { 'traces/docker-compose/a.md': traceText() };

describe.concurrent('every write path refuses a secret before anything is committed', () => {
  it('ct contribute: a secret in a code block or in prose', async () => {
    const { root, bare } = await makeStoreWith();
    const remote = bare as string;
    const [local, far] = [snapshot(root), snapshot(remote, false)];
    const env = home();
    const inCode = { ...DRAFTS.pnpm, solution: `${DRAFTS.pnpm.solution}\n\n\`\`\`pem\n${EC_KEY.text}\n\`\`\`` };
    const inProse = { ...DRAFTS.vite, context: `${DRAFTS.vite.context} The CI sets ${GITLAB.text} for the deploy.` };
    for (const [draft, format, where] of [
      [inCode, EC_KEY, /^secrets found, nothing was committed: line \d+ \(solution\): /],
      [inProse, GITLAB, /^secrets found, nothing was committed: line \d+ \(context\): GitLab Personal Access Token/],
    ] as const) {
      const result = await runCli(['contribute', '--json'], { cwd: root, env, input: JSON.stringify(draft) });
      expectRefused(result, format, where);
      expectNoTrace(root, format.secret, local);
      expectNoTrace(remote, format.secret, far, false);
    }
    expect(readPendingFile(root)).toEqual([]);
  });

  it('ct amend: a secret in a replacement section, or in the reason (bound for the commit message)', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    const [local, far] = [snapshot(root), snapshot(remote, false)];
    const env = home();
    const inNotes = await runCli(
      ['amend', VALID_ID, '--reason', 'add the production settings', '--notes', DB_PASSWORD.text, '--json'],
      { cwd: root, env },
    );
    expectRefused(inNotes, DB_PASSWORD, /: line \d+ \(notes\): /);
    const inReason = await runCli(
      [
        'amend',
        VALID_ID,
        '--reason',
        `the key ${SENDGRID.secret} stopped working`,
        '--notes',
        'Rotate keys.',
        '--json',
      ],
      { cwd: root, env },
    );
    expectRefused(inReason, SENDGRID, /: line 1 \(reason\): SendGrid API token/);
    expectNoTrace(root, DB_PASSWORD.secret, local);
    expectNoTrace(root, SENDGRID.secret, local);
    expectNoTrace(remote, SENDGRID.secret, far, false);
  });

  it('ct vote and ct flag: a secret in the reason or the note', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    const [local, far] = [snapshot(root), snapshot(remote, false)];
    const env = home();
    const vote = await runCli(['vote', VALID_ID, 'down', '--reason', `fails with ${TWILIO.text}`, '--json'], {
      cwd: root,
      env,
    });
    expectRefused(vote, TWILIO, /: line \d+ \(reason\): /);
    const flag = await runCli(
      ['flag', VALID_ID, '--reason', 'unsafe', '--note', `leaks ${SECRET_KEY.text}`, '--json'],
      {
        cwd: root,
        env,
      },
    );
    expectRefused(flag, SECRET_KEY, /: line \d+ \(note\): /);
    for (const format of [TWILIO, SECRET_KEY]) {
      expectNoTrace(root, format.secret, local);
      expectNoTrace(remote, format.secret, far, false);
    }
  });

  it('ct import: one tainted item stops the whole import, naming the source', async () => {
    const { root } = await makeStoreWith({}, { remote: false });
    const local = snapshot(root);
    const env = home();
    const dir = tempDir('ct-import-');
    const item = (draft: (typeof DRAFTS)[keyof typeof DRAFTS], extra = '') => ({
      ...draft,
      solution: `${draft.solution}${extra}`,
    });
    const exportFile = path.join(dir, 'export.json');
    fs.writeFileSync(
      exportFile,
      JSON.stringify([item(DRAFTS.jest), item(DRAFTS.distutils, `\n\nThen paste ${BARE.secret} into the form.`)]),
    );
    const json = await runCli(['import', exportFile, '--json'], { cwd: root, env });
    expectRefused(json, BARE, /^secrets found, nothing was imported: .*export\.json\[1\]: line \d+ \(solution\): /);
    const traceFile = path.join(dir, 'trace.md');
    fs.writeFileSync(traceFile, traceText({ extra: `notes: ${MAILCHIMP.text}` }));
    const md = await runCli(['import', traceFile, '--json'], { cwd: root, env });
    expectRefused(md, MAILCHIMP, /trace\.md: line 6 \(notes\): Mailchimp API key/);
    const dryRun = await runCli(['import', traceFile, '--dry-run', '--json'], { cwd: root, env });
    expectRefused(dryRun, MAILCHIMP, /nothing was imported/);
    expectNoTrace(root, BARE.secret, local);
    expectNoTrace(root, MAILCHIMP.secret, local);
  });

  it('the MCP write tools: contribute_trace, amend_trace, vote_trace and flag_trace', async () => {
    const { root, bare } = await makeStoreWith(TRACES);
    const remote = bare as string;
    const [local, far] = [snapshot(root), snapshot(remote, false)];
    const client = new Client({ name: 'ct-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp', '--store', root],
        env: { ...(process.env as Record<string, string>), ...home() },
        stderr: 'pipe',
      }),
    );
    try {
      const calls: [string, Record<string, unknown>, SecretFormat][] = [
        [
          'contribute_trace',
          { ...DRAFTS.jest, tags: [...DRAFTS.jest.tags], notes: `Locally: ${DB_PASSWORD.text}` },
          DB_PASSWORD,
        ],
        ['amend_trace', { id: VALID_ID, reason: 'add the key setup', verification: GITLAB.text }, GITLAB],
        ['vote_trace', { id: VALID_ID, vote: 'down', reason: `breaks ${SENDGRID.secret}` }, SENDGRID],
        ['flag_trace', { id: VALID_ID, reason: 'unsafe', note: `the key ${EC_KEY.text}` }, EC_KEY],
      ];
      for (const [name, args, format] of calls) {
        const result = await client.callTool({ name, arguments: args });
        const text = (result.content as { text: string }[]).map((c) => c.text).join('\n');
        expect(result.isError, `${name}: ${text}`).toBe(true);
        expect(text, name).toMatch(/^Error \(secret-found\): secrets found, nothing was committed: line \d+ \(\w+\): /);
        expect(text, name).not.toContain(format.secret);
        expect(result.structuredContent, name).toBeUndefined();
        expectNoTrace(root, format.secret, local);
        expectNoTrace(remote, format.secret, far, false);
      }
    } finally {
      await client.close();
    }
  });

  it("the store's CI gate (ct check, ct check --base): a secret committed by hand fails the check", async () => {
    const { root } = await makeStoreWith(TRACES, { remote: false });
    git(root, 'checkout', '--quiet', '-b', 'contribution');
    writeFile(root, 'traces/docker-compose/a.md', traceText({ extra: `config: "${GITLAB.text}"` }));
    writeFile(
      root,
      'votes/01JDQ5Z8X4N2K7M3P9R6T1V0WB/0123456789abcdef.yml',
      `vote: down\nreason: "${DB_PASSWORD.text.replace(/"/g, "'")}"\nat: 2026-11-21\n`,
    );
    writeFile(root, 'docs/setup.md', `# Setup\n\n${SENDGRID.text}\n`);
    commitAll(root, 'a contribution with secrets');
    for (const args of [
      ['check', '--json'],
      ['check', '--base', 'main', '--json'],
    ]) {
      const result = await runCli(args, { cwd: root, env: home() });
      expect(result.code, result.stderr).toBe(ExitCode.checkFailed);
      const report = parseJson<{
        problems: { file: string; line?: number; field?: string; rule: string; message: string }[];
      }>(result);
      const secrets = report.problems.filter((p) => p.rule === 'secrets/detected');
      expect(secrets.map((p) => [p.file, p.line, p.field])).toEqual([
        ['docs/setup.md', 3, undefined],
        ['traces/docker-compose/a.md', 6, 'config'],
        ['votes/01JDQ5Z8X4N2K7M3P9R6T1V0WB/0123456789abcdef.yml', 2, 'reason'],
      ]);
      for (const format of [GITLAB, DB_PASSWORD, SENDGRID])
        expect(result.stdout + result.stderr).not.toContain(format.secret);
    }

    // A secret added and removed again, and one in a commit message: the files are clean, the history is not.
    git(root, 'checkout', '--quiet', '-b', 'second', 'main');
    writeFile(root, 'docs/notes.md', `# Notes\n${MAILCHIMP.text}\n`);
    commitAll(root, `use the key ${SENDGRID.secret} for now`);
    const leaked = git(root, 'rev-parse', 'HEAD').trim();
    fs.rmSync(path.join(root, 'docs/notes.md'));
    commitAll(root, 'drop the notes');
    const files = await runCli(['check'], { cwd: root, env: home() });
    expect(files.code, files.stdout).toBe(0);
    const history = await runCli(['check', '--base', 'main', '--json'], { cwd: root, env: home() });
    expect(history.code, history.stderr).toBe(ExitCode.checkFailed);
    const problems = parseJson<{
      problems: { file: string; line?: number; field?: string; rule: string; message: string }[];
    }>(history).problems.filter((p) => p.rule === 'secrets/in-history');
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      [`commit ${leaked.slice(0, 10)}`, 1, 'commit message'],
      ['docs/notes.md', 2, undefined],
    ]);
    expect(problems[1]?.message).toMatch(
      new RegExp(
        `^in the version of docs/notes.md written by commit ${leaked.slice(0, 10)}, no longer in the files: Mailchimp`,
      ),
    );
    for (const format of [MAILCHIMP, SENDGRID]) expect(history.stdout + history.stderr).not.toContain(format.secret);
  });
});
