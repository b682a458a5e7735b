import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE, makeCtShim } from '../helpers/claude-code.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The README's install, as a user runs it: `npm pack` of this checkout, `npm install --global`
 * of the tarball (into a temp prefix, from the npm registry or its cache), then `ct` from that
 * prefix's bin on PATH, in an empty home: a search over the built-in seeds store, and `ct doctor`
 * telling whether `ct` is on PATH and whether Claude Code's plugin can start it.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The environment without npm's own run-script settings, so `--prefix` and the cache are ours. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^npm_(config_(prefix|global_prefix|local_prefix)|package_|lifecycle_)/i.test(k))
      env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

interface DoctorCheck {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

describe('install from the packed tarball', () => {
  const prefix = tempDir('ct-global-');
  const bin = path.join(prefix, 'bin');
  let env: Record<string, string>;

  beforeAll(async () => {
    const packDir = tempDir('ct-pack-');
    // --ignore-scripts: `npm test` built dist/ already; prepack would rebuild it under the other test files.
    await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], {
      cwd: ROOT,
      env: cleanEnv({}),
    });
    const tarball = path.join(packDir, `commontrace-${pkg.version}.tgz`);
    expect(fs.existsSync(tarball)).toBe(true);
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { cwd: packDir, env: cleanEnv({}), timeout: 420_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const home = tempDir('ct-install-home-');
    env = cleanEnv({
      HOME: home,
      CT_DATA_DIR: path.join(home, 'ct-data'),
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    delete env.CT_HOME;
    delete env.CT_STORE;
  }, 480_000);

  it('puts a working `ct` on PATH: version, and a search over the seeds in an empty home', async () => {
    expect(fs.realpathSync(path.join(bin, 'ct'))).toBe(
      path.join(fs.realpathSync(prefix), 'lib', 'node_modules', 'commontrace', 'bin', 'run.js'),
    );
    const version = await run('ct', ['--version'], { env, cwd: env.HOME });
    expect(version.stdout).toContain(`commontrace/${pkg.version}`);
    const search = await run('ct', ['search', 'react useEffect runs twice', '--json', '--limit', '3'], {
      env,
      cwd: env.HOME,
      timeout: 120_000,
    });
    const response = JSON.parse(search.stdout) as { results: { title: string; store: string }[] };
    expect(response.results[0]?.store).toBe('seeds');
    expect(response.results[0]?.title).toMatch(/useEffect runs twice/);
  }, 180_000);

  it('ct doctor says where `ct` is on PATH, and warns when it is not', async () => {
    const { stdout } = await run('ct', ['doctor', '--json'], { env, cwd: env.HOME, timeout: 120_000 });
    const checks = (JSON.parse(stdout) as { checks: DoctorCheck[] }).checks;
    const onPath = checks.find((c) => c.id === 'cli.path');
    expect(onPath?.status).toBe('ok');
    expect(onPath?.message).toContain(path.join(bin, 'ct'));
    expect(onPath?.message).toContain(pkg.version);
    // Claude Code is not set up in this home: no plugin finding at all.
    expect(checks.some((c) => c.id.startsWith('plugin'))).toBe(false);

    const withoutCt = { ...env, PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin' };
    const missing = await runCli(['doctor', '--json'], { env: withoutCt, cwd: env.HOME });
    const missingPath = (JSON.parse(missing.stdout) as { checks: DoctorCheck[] }).checks.find(
      (c) => c.id === 'cli.path',
    );
    expect(missingPath?.status).toBe('warn');
    expect(missingPath?.fix).toMatch(/npm run install:global/);
  }, 180_000);

  it('ct doctor checks the Claude Code plugin: installed, hooks in place, and able to start `ct`', async () => {
    const home = tempDir('ct-plugin-home-');
    const claudeEnv = {
      ...env,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    fs.mkdirSync(claudeEnv.CLAUDE_CONFIG_DIR);
    const doctor = async (extra: Record<string, string>) => {
      const result = await runCli(['doctor', '--json'], { env: { ...claudeEnv, ...extra }, cwd: home });
      return (JSON.parse(result.stdout) as { checks: DoctorCheck[] }).checks;
    };

    const before = await doctor({});
    expect(before.find((c) => c.id === 'plugin')).toMatchObject({ status: 'warn' });
    expect(before.find((c) => c.id === 'plugin')?.fix).toMatch(/claude plugin install commontrace@commontrace/);

    for (const args of [
      ['plugin', 'marketplace', 'add', ROOT],
      ['plugin', 'install', 'commontrace@commontrace'],
    ])
      await run(CLAUDE, args, { env: claudeEnv, cwd: home, timeout: 120_000 });

    const installed = await doctor({});
    expect(installed.find((c) => c.id === 'plugin')).toMatchObject({ status: 'ok' });
    expect(installed.find((c) => c.id === 'plugin')?.message).toMatch(/SessionStart and Stop hooks/);
    expect(installed.some((c) => c.id === 'plugin.ct')).toBe(false);

    // The plugin starts `ct` from PATH: without it, the MCP server cannot connect.
    const noCt = await doctor({ PATH: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` });
    expect(noCt.find((c) => c.id === 'plugin.ct')).toMatchObject({ status: 'fail' });
    // A shim (e.g. `npm link`) counts as `ct` on PATH too.
    const shim = await doctor({ PATH: `${makeCtShim()}${path.delimiter}/usr/bin:/bin` });
    expect(shim.find((c) => c.id === 'cli.path')).toMatchObject({ status: 'ok' });
    expect(shim.some((c) => c.id === 'plugin.ct')).toBe(false);

    const hooksOff = await doctor({ CT_HOOKS: 'off' });
    expect(hooksOff.filter((c) => c.id.startsWith('plugin.hooks.')).map((c) => c.status)).toEqual(['warn', 'warn']);

    await run(CLAUDE, ['plugin', 'disable', 'commontrace@commontrace'], { env: claudeEnv, cwd: home });
    const disabled = await doctor({});
    expect(disabled.find((c) => c.id === 'plugin')).toMatchObject({ status: 'warn' });
    expect(disabled.find((c) => c.id === 'plugin')?.fix).toMatch(/claude plugin enable/);
  }, 300_000);
});
