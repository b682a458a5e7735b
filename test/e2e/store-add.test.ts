import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { git, makeStore } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A bare repository made the way `git init --bare` does on most machines: HEAD names master. */
function masterHeadBare(): string {
  const bare = path.join(tempDir('ct-bare-'), 'traces.git');
  git(path.dirname(bare), '-c', 'init.defaultBranch=master', 'init', '--quiet', '--bare', bare);
  return bare;
}

describe('ct store add of a bare repository', () => {
  it('uses main when the HEAD names a master that does not exist, and says so', async () => {
    const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
    const bare = masterHeadBare();
    git(await makeStore('team'), 'push', '--quiet', bare, 'main');
    // A relative path, as a user types it: git runs elsewhere, so ct must resolve it.
    const result = await runCli(['store', 'add', 'team', './traces.git', '--json'], { env, cwd: path.dirname(bare) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`the remote's HEAD names "master", which does not exist; using branch "main"`);
    const out = parseJson<{ branch: string; store: { path: string; url: string } }>(result);
    expect(out).toMatchObject({ branch: 'main', store: { url: bare } });
    expect(fs.existsSync(path.join(out.store.path, 'ct.yml'))).toBe(true);
    expect(git(out.store.path, 'rev-parse', '--abbrev-ref', 'HEAD', '@{upstream}').split('\n')).toEqual([
      'main',
      'origin/main',
      '',
    ]);
    const status = await runCli(['status', '--json', '--store', 'team'], { env });
    expect(parseJson<{ branch: string; traces: number }>(status)).toMatchObject({ branch: 'main', traces: 0 });
  });

  it('names the branches it found when none holds a store, and keeps nothing', async () => {
    const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
    const bare = masterHeadBare();
    git(await makeStore('team'), 'push', '--quiet', bare, 'main:dev', 'main:feature');
    const result = await runCli(['store', 'add', 'team', bare, '--json'], { env });
    expect(result.code).toBe(ExitCode.notFound);
    const { error } = parseJson<{ error: { code: string; message: string; hint: string } }>(result);
    expect(error.code).toBe('store-config-missing');
    expect(error.message).toBe(
      `${bare} is not a CommonTrace store: it has no main or master branch (its HEAD names "master", which does not exist)`,
    );
    expect(error.hint).toMatch(/^its branches are dev, feature/);
    expect(fs.readdirSync(path.join(env.CT_HOME, 'stores'))).toEqual([]);
  });
});
