import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

/** A private data dir and cache dir (where @oclif/plugin-autocomplete builds its cache). */
function dirs() {
  const root = tempDir('ct-complete-');
  return { CT_HOME: path.join(root, 'data'), XDG_CACHE_HOME: path.join(root, 'cache') };
}

/** What bash offers after `words` (the last one being completed), with ct's completion function. */
function bashComplete(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; ` +
        '_ct_autocomplete; printf "%s\\n" "${COMPREPLY[@]}"',
    ],
    { encoding: 'utf8' },
  );
  return [...new Set(out.split('\n').filter(Boolean))];
}

describe('shell completion', () => {
  it('ct autocomplete bash prints the setup and builds a cache that completes commands and flags', async () => {
    const env = dirs();
    const result = await runCli(['autocomplete', 'bash'], { env, cwd: tempDir() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ct autocomplete script bash');
    const script = path.join(env.XDG_CACHE_HOME, 'commontrace', 'autocomplete', 'functions', 'bash', 'ct.bash');
    expect(fs.existsSync(script)).toBe(true);
    const setup = await runCli(['autocomplete', 'script', 'bash'], { env, cwd: tempDir() });
    expect(setup.stdout).toContain(path.join(env.XDG_CACHE_HOME, 'commontrace', 'autocomplete', 'bash_setup'));

    expect(bashComplete(script, ['ct', 'sto'])).toEqual(['store']);
    expect(bashComplete(script, ['ct', 'store', 'l'])).toEqual(['list']);
    expect(bashComplete(script, ['ct', 'search', '--li'])).toEqual(['--limit']);
  });

  it.skipIf(!has('zsh'))('ct autocomplete zsh builds a completion function that zsh parses', async () => {
    const env = dirs();
    const result = await runCli(['autocomplete', 'zsh'], { env, cwd: tempDir() });
    expect(result.code, result.stderr).toBe(0);
    const fn = path.join(env.XDG_CACHE_HOME, 'commontrace', 'autocomplete', 'functions', 'zsh', '_ct');
    expect(fs.readFileSync(fn, 'utf8')).toMatch(/#compdef ct/);
    expect(fs.readFileSync(fn, 'utf8')).toContain(
      '"search[Search every subscribed store (or the ones named), offline.]"',
    );
    expect(fs.readFileSync(fn, 'utf8')).toContain(
      '"list[List the subscribed stores: name, source, commit, traces, weight, index, last sync.]"',
    );
    expect(spawnSync('zsh', ['-n', fn]).status).toBe(0);
  });

  it.skipIf(!has('fish'))(
    'ct autocomplete fish prints a script that fish completes commands and flags with',
    async () => {
      const result = await runCli(['autocomplete', 'fish'], { env: dirs(), cwd: tempDir() });
      expect(result.code, result.stderr).toBe(0);
      const script = path.join(tempDir(), 'ct.fish');
      fs.writeFileSync(script, result.stdout);
      const complete = (line: string) =>
        execFileSync('fish', ['--no-config', '-c', `source '${script}'; complete -C '${line}'`], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0]);
      expect(complete('ct sto')).toEqual(['store']);
      expect(complete('ct store ')).toEqual(['add', 'default', 'list', 'pin', 'remove', 'unpin']);
      expect(complete('ct search react --li')).toEqual(['--limit']);
      expect(complete('ct flag 01JDQ5Z8 --reason ')).toEqual(['duplicate', 'outdated', 'spam', 'unsafe', 'wrong']);
    },
  );
});
