import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { TraceDiffSchema } from '../../src/trace-log/trace-diff.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { cloneOf, git, makeBareRemote, makeStore } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const identity = (name: string) => {
  const email = `${name.toLowerCase()}@example.com`;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
};

const SOLUTION_1 = 'Add a healthcheck running pg_isready and make the app depend on it.';
const SOLUTION_2 =
  'Add a healthcheck running pg_isready, then under the app service write depends_on: db: condition: service_healthy.';
const REASON_2 = 'Compose v2 needs the long depends_on syntax';
const REASON_3 = 'Verified with PostgreSQL 16';

/**
 * A store with a real amendment history: Alice contributes (merged 2030-01-10), Bob amends the
 * solution (merged 2030-02-10), Alice narrows applies_to (merged 2030-03-10). Each contribution
 * goes through the real CLI in a contributor's clone and is merged by the maintainer with
 * `git merge --no-ff` at a fixed date, as a forge's merge button would.
 */
async function buildHistory() {
  const root = await makeStore('versions-store');
  const bare = makeBareRemote(root);
  const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
  const clone = cloneOf(bare, 'contributor');
  const ct = async (who: string, args: string[]) => {
    const result = await runCli([...args, '--json'], { cwd: clone, env: { ...env, ...identity(who) } });
    expect(result.code, `ct ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return parseJson<{ id: string; branch: string; path: string }>(result);
  };
  const merges: string[] = [];
  const merge = (branch: string, date: string) => {
    git(root, 'fetch', '--quiet', 'origin');
    execFileSync('git', ['merge', '--quiet', '--no-ff', '--no-edit', `origin/${branch}`], {
      cwd: root,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    git(root, 'push', '--quiet', 'origin', 'main');
    git(clone, 'pull', '--quiet');
    merges.push(git(root, 'rev-parse', 'HEAD').trim());
  };
  const trace = await ct('Alice', [
    'contribute',
    '--title',
    'Docker Compose healthcheck for PostgreSQL before the app starts',
    '--tags',
    'docker-compose,postgresql',
    '--context',
    'docker compose up starts the app before PostgreSQL accepts connections: connection refused',
    '--solution',
    SOLUTION_1,
  ]);
  merge(trace.branch, '2030-01-10T12:00:00Z');
  merge(
    (await ct('Bob', ['amend', trace.id, '--reason', REASON_2, '--solution', SOLUTION_2])).branch,
    '2030-02-10T12:00:00Z',
  );
  merge(
    (await ct('Alice', ['amend', trace.id, '--reason', REASON_3, '--applies-to', 'postgres=>=16'])).branch,
    '2030-03-10T12:00:00Z',
  );
  return { root, env, id: trace.id, merges };
}

describe('ct show --at, ct diff and get_trace at: a trace at any point of its history', () => {
  let world: Awaited<ReturnType<typeof buildHistory>>;
  beforeAll(async () => {
    world = await buildHistory();
  }, 240_000);

  const show = async (at: string) => {
    const result = await runCli(['show', world.id, '--at', at, '--json'], { cwd: world.root, env: world.env });
    return { result, data: result.code === 0 ? parseJson<Record<string, any>>(result) : undefined };
  };

  it('shows the version current at a date, a commit or a branch', async () => {
    const feb = await show('2030-02-01');
    expect(feb.result.code, feb.result.stderr).toBe(0);
    expect(feb.data).toMatchObject({ at: '2030-02-01', commit: world.merges[0] });
    expect(feb.data?.trace.sections.solution).toContain(SOLUTION_1);
    expect(feb.data?.trace.applies_to).toBeUndefined();

    // The merge day itself counts: YYYY-MM-DD is the end of that day.
    const merged = await show('2030-02-10');
    expect(merged.data?.commit).toBe(world.merges[1]);
    expect(merged.data?.trace.sections.solution).toContain(SOLUTION_2);

    const byCommit = await show(world.merges[0] as string);
    expect(byCommit.data?.trace.sections.solution).toContain(SOLUTION_1);
    const byShortCommit = await show((world.merges[1] as string).slice(0, 9));
    expect(byShortCommit.data?.trace.sections.solution).toContain(SOLUTION_2);
    const now = await show('main');
    expect(now.data?.trace.applies_to).toEqual({ postgres: '>=16' });

    const human = await runCli(['show', world.id.slice(0, 8), '--at', '2030-02-01'], {
      cwd: world.root,
      env: world.env,
    });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(SOLUTION_1);
    expect(human.stderr).toContain(`as of 2030-02-01 (commit ${world.merges[0]?.slice(0, 12)})`);
  });

  it('says clearly when there is no such version', async () => {
    const before = await show('2029-06-01');
    expect(before.result.code).toBe(4);
    expect(parseJson<{ error: { code: string } }>(before.result).error.code).toBe('trace-not-at-point');
    const noCommit = await show('1999-01-01');
    expect(noCommit.result.code).toBe(4);
    expect(parseJson<{ error: { code: string } }>(noCommit.result).error.code).toBe('no-commit-at-date');
    const badRef = await show('no-such-branch');
    expect(badRef.result.code).toBe(4);
    expect(parseJson<{ error: { message: string } }>(badRef.result).error.message).toContain('no-such-branch');
    const badDate = await show('2030-13-45');
    expect(badDate.result.code).toBe(5);
  });

  const diff = async (...points: string[]) => {
    const result = await runCli(['diff', world.id, ...points, '--json'], { cwd: world.root, env: world.env });
    expect(result.code, result.stderr).toBe(0);
    return TraceDiffSchema.parse(parseJson(result));
  };

  it('diffs the last change by default, with its reason', async () => {
    const last = await diff();
    expect(last.from.commit).toBe(world.merges[1]);
    expect(last.to.commit).toBe(world.merges[2]);
    expect(last.changes.map((c) => [c.type, c.author.name, 'reason' in c ? c.reason : undefined])).toEqual([
      ['amended', 'Alice', REASON_3],
    ]);
    expect(last.fields.map((f) => f.field)).toEqual(['applies_to']);
    expect(last.diff).toMatch(/^\+applies_to:/m);
    expect(last.diff).not.toContain(`+${SOLUTION_2}`);
  });

  it('diffs between dates and commits, listing every amendment in between with its reason', async () => {
    const sinceJanuary = await diff('2030-01-15');
    expect(sinceJanuary.changes.map((c) => ('reason' in c ? c.reason : c.type))).toEqual([REASON_2, REASON_3]);
    expect(sinceJanuary.diff).toContain(`-${SOLUTION_1}`);
    expect(sinceJanuary.diff).toContain(`+${SOLUTION_2}`);
    expect(sinceJanuary.fields.map((f) => f.field).sort()).toEqual(['applies_to', 'section:solution']);

    const february = await diff('2030-01-15', '2030-02-15');
    expect(february.changes.map((c) => c.author.name)).toEqual(['Bob']);
    expect(february.diff).not.toMatch(/^\+applies_to/m);

    const byCommits = await diff(world.merges[0] as string, world.merges[1] as string);
    expect(byCommits.diff).toBe(february.diff);
    expect(byCommits.changes.map((c) => c.commit)).toEqual(february.changes.map((c) => c.commit));

    const creation = await diff('2029-06-01', '2030-01-15');
    expect(creation.from.path).toBeNull();
    expect(creation.changes.map((c) => c.type)).toEqual(['created']);
    expect(creation.diff).toContain(`+${SOLUTION_1}`);

    const human = await runCli(['diff', world.id, '2030-01-15'], { cwd: world.root, env: world.env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(REASON_2);
    expect(human.stdout).toContain(REASON_3);
    expect(human.stdout).toMatch(/^-.*pg_isready and make the app depend on it\./m);
  });

  it('the MCP get_trace tool takes an optional at', async () => {
    const client = new Client({ name: 'ct-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp', '--store', world.root],
        env: { ...(process.env as Record<string, string>), ...world.env },
        stderr: 'ignore',
      }),
    );
    try {
      const old = await client.callTool({ name: 'get_trace', arguments: { id: world.id, at: '2030-02-01' } });
      expect(old.isError, JSON.stringify(old.content)).toBeFalsy();
      const data = old.structuredContent as { trace: { sections: { solution: string } }; version: { commit: string } };
      expect(data.trace.sections.solution).toContain(SOLUTION_1);
      expect(data.version.commit).toBe(world.merges[0]);
      expect((old.content as { text: string }[])[0]?.text).toMatch(/^Version as of /);

      const current = await client.callTool({ name: 'get_trace', arguments: { id: world.id } });
      expect((current.structuredContent as typeof data).trace.sections.solution).toContain(SOLUTION_2);
      expect((current.structuredContent as Record<string, unknown>).version).toBeUndefined();

      const missing = await client.callTool({ name: 'get_trace', arguments: { id: world.id, at: '2029-06-01' } });
      expect(missing.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
