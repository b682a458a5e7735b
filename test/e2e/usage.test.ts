import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeedIds } from '../../bin/build/seed-ids.js';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

/** A private data dir per test, so registries never leak between tests. */
const home = () => ({ CT_HOME: path.join(tempDir('ct-home-'), 'ct') });

describe('usage errors through the built CLI', () => {
  it.each([
    [['search', '--json'], /missing required argument: query/],
    [['show', '--json'], /missing required argument: id/],
    [['search', 'react', '--jsn', '--json'], /Nonexistent flag: --jsn/],
    [['search', 'react', '--limit', 'abc', '--json'], /--limit: Expected an integer/],
    [['search', 'react', '--json', '--limit'], /--limit expects a value/],
    [['store', 'add', '--json'], /missing required argument: source/],
    [['vote', '01JDQ5Z8X4N2', 'sideways', '--json'], /Expected sideways to be one of: up, down/],
  ])('ct %j prints a small JSON error and exits 2', async (args, message) => {
    const result = await runCli(args, { env: home(), cwd: tempDir() });
    expect(result.code, result.stderr).toBe(ExitCode.usage);
    expect(result.stdout.length).toBeLessThan(1024);
    const { error } = parseJson<{ error: Record<string, string> }>(result);
    expect(Object.keys(error).sort()).toEqual(['code', 'hint', 'message']);
    expect(error.code).toBe('usage');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(new RegExp(`ct ${args[0]}( add)? --help`));
    expect(result.stdout).not.toContain(process.env.HOME ?? '/home');
    expect(result.stderr).toMatch(/^Error: /);
  });

  it('without --json, a usage error prints the message and the usage on stderr', async () => {
    const result = await runCli(['show'], { env: home(), cwd: tempDir() });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Missing 1 required arg/);
    expect(result.stderr).toMatch(/USAGE/);
  });
});

describe('input on stdin', () => {
  const id = '01JDQ5Z8X4N2K7M3P9R6T1V0WB';

  it('a missing --reason is reported as such, whatever stdin is', async () => {
    for (const stdin of ['null', 'open'] as const) {
      const result = await runCli(['amend', id, '--solution', 'x'], { env: home(), cwd: tempDir(), stdin });
      expect(result.code, `stdin ${stdin}: ${result.stderr}`).toBe(ExitCode.usage);
      expect(result.stderr).toMatch(/--reason is required/);
      expect(result.stderr).not.toMatch(/JSON/);
    }
  });

  it('a pipe that never sends anything fails after CT_STDIN_TIMEOUT_MS with what to do', async () => {
    const env = { ...home(), CT_STDIN_TIMEOUT_MS: '1000' };
    const result = await runCli(['amend', id, '--json'], { env, cwd: tempDir(), stdin: 'open' });
    expect(result.code, result.stderr).toBe(ExitCode.usage);
    const { error } = parseJson<{ error: { code: string; message: string; hint: string } }>(result);
    expect(error.message).toBe('no input arrived on stdin within 1 s');
    expect(error.hint).toMatch(/--reason/);
  });

  it('no flags and nothing piped is a usage error, not a JSON error', async () => {
    const contribute = await runCli(['contribute', '--json'], { env: home(), cwd: tempDir(), stdin: 'null' });
    expect(contribute.code, contribute.stderr).toBe(ExitCode.usage);
    expect(parseJson<{ error: { message: string } }>(contribute).error.message).toMatch(/nothing to contribute/);
    const amend = await runCli(['amend', id], { env: home(), cwd: tempDir(), stdin: 'null' });
    expect(amend.code).toBe(ExitCode.usage);
    expect(amend.stderr).toMatch(/nothing to amend/);
    const empty = await runCli(['contribute'], { env: home(), cwd: tempDir(), input: '' });
    expect(empty.code).toBe(ExitCode.usage);
    expect(empty.stderr).toMatch(/stdin is empty/);
  });

  it('piped JSON that is not an object is invalid input', async () => {
    const result = await runCli(['amend', id, '--json'], { env: home(), cwd: tempDir(), input: '["reason"]' });
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe('invalid-json');
  });
});

describe('did you mean', () => {
  it.each([
    [['serch', 'react'], 'ct serch', 'ct search'],
    [['store', 'lst'], 'ct store lst', 'ct store list'],
    [['contribte', '--title', 'x'], 'ct contribte', 'ct contribute'],
  ])('ct %j names the closest command and exits 127 without asking', async (args, typed, meant) => {
    const result = await runCli(args, { env: home(), cwd: tempDir() });
    expect(result.code, result.stderr).toBe(ExitCode.commandNotFound);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`"${typed}" is not a ct command. Did you mean "${meant}"?`);
    expect(result.stderr).toMatch(/ct help/);
  });

  it('an unknown command far from any other gets no guess; with --json the error is JSON', async () => {
    const far = await runCli(['deploy'], { env: home(), cwd: tempDir() });
    expect(far.code).toBe(ExitCode.commandNotFound);
    expect(far.stderr).toContain('"ct deploy" is not a ct command');
    expect(far.stderr).not.toMatch(/Did you mean/);
    const json = await runCli(['serch', 'react', '--json'], { env: home(), cwd: tempDir() });
    expect(json.code).toBe(ExitCode.commandNotFound);
    expect(json.stdout.length).toBeLessThan(1024);
    expect(parseJson<{ error: Record<string, string> }>(json).error).toEqual({
      code: 'command-not-found',
      message: '"ct serch" is not a ct command. Did you mean "ct search"?',
      hint: 'run "ct help" for the list of commands',
    });
  });

  it('a mistyped flag names the closest flags and exits 2', async () => {
    const result = await runCli(['search', 'react', '--lmit', '3', '--tga', 'x'], { env: home(), cwd: tempDir() });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/Nonexistent flags: --lmit, --tga\. Did you mean --limit, --tag\?/);
    const json = await runCli(['search', 'react', '--jsn'], { env: home(), cwd: tempDir() });
    expect(json.stderr).toMatch(/Did you mean --json\?/);
  });
});

describe('ct show with an id prefix', () => {
  it('an ambiguous prefix lists the candidates with their titles', async () => {
    const root = await makeStore();
    writeFile(root, 'traces/python/b.md', traceText({ id: '01KB000000000000000000000B', title: 'pip install fails' }));
    writeFile(root, 'traces/python/c.md', traceText({ id: '01KB000000000000000000000C', title: 'venv not activated' }));
    commitAll(root);
    const result = await runCli(['show', '01KB000000', '--json'], { env: home(), cwd: root });
    expect(result.code).toBe(ExitCode.usage);
    const { error } = parseJson<{ error: { message: string; data: { matches: number; candidates: unknown[] } } }>(
      result,
    );
    expect(error.message).toBe(
      '"01KB000000" matches 2 traces:\n' +
        '  01KB000000000000000000000B  pip install fails\n' +
        '  01KB000000000000000000000C  venv not activated',
    );
    expect(error.data).toEqual({
      matches: 2,
      candidates: [
        { id: '01KB000000000000000000000B', title: 'pip install fails', path: 'traces/python/b.md' },
        { id: '01KB000000000000000000000C', title: 'venv not activated', path: 'traces/python/c.md' },
      ],
    });
  });

  it('six characters of a seed id find that seed in the built-in store', async () => {
    const env = home();
    const [seed] = await readSeedIds(path.resolve('seeds/traces'));
    const result = await runCli(['show', (seed?.id ?? '').slice(0, 6), '--json'], { env, cwd: tempDir() });
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson<{ id: string; store: string }>(result)).toMatchObject({ id: seed?.id, store: 'seeds' });
  });
});
