import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';

/** A private data dir per test, so registries never leak between tests. */
const home = () => ({ CT_HOME: path.join(tempDir('ct-home-'), 'ct') });

describe('usage errors through the built CLI', () => {
  it.each([
    [['search', '--json'], /missing required argument: query/],
    [['show', '--json'], /missing required argument: id/],
    [['search', 'react', '--jsn', '--json'], /Nonexistent flag: --jsn/],
    [['search', 'react', '--limit', 'abc', '--json'], /--limit: Expected an integer/],
    [['search', 'react', '--json', '--limit'], /--limit expects a value/],
    [['store', 'add', '--json'], /missing required arguments: name .*source/],
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
