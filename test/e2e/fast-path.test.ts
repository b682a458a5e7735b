import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';
import { makeNodeProject } from '../helpers/hook-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * bin/run.js answers `ct --version`, `ct --help`, `ct search` and `ct hook session-start` from the
 * bundle (dist/ct.cjs) without oclif: each must print exactly what the oclif command prints
 * (CT_FAST=0), errors and exit codes included.
 */
describe('the fast path of bin/run.js', () => {
  const cacheHome = tempDir('ct-cache-home-');
  // A busy machine must not make one path hit the hook's time budget and answer nothing.
  const env = { XDG_CACHE_HOME: cacheHome, CT_HOOK_TIMEOUT_MS: '60000' };
  const both = async (args: string[], options: { cwd?: string; input?: string } = {}) => {
    const fast = await runCli(args, { ...options, env });
    const oclif = await runCli(args, { ...options, env: { ...env, CT_FAST: '0' } });
    return { fast, oclif };
  };
  const same = (r: { fast: CliResult; oclif: CliResult }) => {
    expect(r.fast.stdout).toBe(r.oclif.stdout);
    expect(r.fast.stderr).toBe(r.oclif.stderr);
    expect(r.fast.code).toBe(r.oclif.code);
  };

  beforeAll(async () => {
    // Creates and indexes the built-in seeds store once, so both runs below start from the same state.
    const first = await runCli(['search', 'react', '-n', '1'], { env });
    expect(first.code).toBe(0);
  }, 120_000);

  it('prints the same version and root help as oclif', async () => {
    const version = await both(['--version']);
    same(version);
    expect(version.fast.stdout).toMatch(/^commontrace\/\d+\.\d+\.\d+ \S+ node-v\d+/);
    const help = await both(['--help']);
    same(help);
    expect(help.fast.stdout).toContain('search');
    same(await both([]));
  });

  it('searches with the same results, JSON and errors as oclif', async () => {
    const text = await both(['search', 'useEffect', 'runs', 'twice', '-n', '2']);
    same(text);
    expect(text.fast.stdout).toMatch(/^1\. /);
    const json = await both(['search', 'docker healthcheck', '--tag', 'docker', '--json', '--limit=3']);
    same(json);
    expect(JSON.parse(json.fast.stdout).results.length).toBeGreaterThan(0);
    same(await both(['search', 'x', '--budget', '300', '-s', 'seeds']));
    const missing = await both(['search', 'x', '--store', 'nosuch']);
    same(missing);
    expect(missing.fast.code).toBe(4);
    same(await both(['search', 'x', '--store', 'nosuch', '--json']));
    // Left to oclif: its own messages for what it rejects.
    same(await both(['search', 'x', '-n', '0']));
    same(await both(['search']));
  });

  it('updates an index with the same report as oclif', async () => {
    const timing = (text: string) => text.replace(/in \d+ ms/g, 'in N ms').replace(/"ms": \d+/g, '"ms": N');
    for (const args of [
      ['index', '--store', 'seeds'],
      ['index', '-s', 'seeds', '--json'],
      ['index', '--store', 'nosuch'],
    ]) {
      const { fast, oclif } = await both(args);
      expect(timing(fast.stdout), args.join(' ')).toBe(timing(oclif.stdout));
      expect(timing(fast.stderr)).toBe(timing(oclif.stderr));
      expect(fast.code).toBe(oclif.code);
    }
  });

  it('keeps a V8 code cache of the bundle in the user cache dir', async () => {
    // The searches above loaded the bundle (--version and --help do not need it).
    const dir = path.join(cacheHome, 'commontrace', 'v8');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    expect(files).toHaveLength(1);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    // A damaged cache is rejected by V8 and rewritten; the command still works.
    fs.writeFileSync(path.join(dir, files[0] as string), 'not a cache');
    same(await both(['search', 'docker', '-n', '1']));
    expect(fs.readFileSync(path.join(dir, files[0] as string)).length).toBeGreaterThan(1000);
  });

  it('runs the SessionStart hook with the same context as oclif', async () => {
    const cwd = makeNodeProject();
    const input = JSON.stringify({ session_id: 's', cwd, hook_event_name: 'SessionStart', source: 'startup' });
    const hook = await both(['hook', 'session-start'], { cwd, input });
    same(hook);
    expect(JSON.parse(hook.fast.stdout).hookSpecificOutput.additionalContext).toMatch(/react/i);
  });
});
