import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { makeBareRemote, makeStore } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('near-duplicates on open contribution branches', () => {
  it('refuses a second contribution of a problem that is still waiting for review', async () => {
    const root = await makeStore('open-dupes');
    makeBareRemote(root);
    const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
    const draft = [
      '--tags',
      'pnpm,ci',
      '--context',
      'CI fails: ERR_PNPM_OUTDATED_LOCKFILE Cannot install with frozen-lockfile because pnpm-lock.yaml is not up to date',
      '--solution',
      'Run pnpm install locally and commit pnpm-lock.yaml so it matches package.json.',
    ];
    const first = await runCli(
      ['contribute', '--title', 'pnpm install fails with ERR_PNPM_OUTDATED_LOCKFILE in CI', ...draft, '--json'],
      { cwd: root, env },
    );
    expect(first.code, first.stderr).toBe(0);
    const { id, branch } = parseJson<{ id: string; branch: string }>(first);
    const second = await runCli(
      ['contribute', '--title', 'pnpm ERR_PNPM_OUTDATED_LOCKFILE with frozen lockfile in CI', ...draft],
      { cwd: root, env },
    );
    expect(second.code).toBe(ExitCode.usage);
    expect(second.stderr).toContain(id);
    expect(second.stderr.replace(/\s+›\s+/g, ' ')).toContain(`open on branch ${branch}`);
    const forced = await runCli(
      [
        'contribute',
        '--title',
        'pnpm ERR_PNPM_OUTDATED_LOCKFILE with frozen lockfile in CI',
        ...draft,
        '--force',
        '--json',
      ],
      { cwd: root, env },
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(parseJson<{ duplicates: { branch?: string }[] }>(forced).duplicates[0]?.branch).toBe(branch);
  });
});
