import { describe, expect, it } from 'vitest';
import { runHookCommand } from '../helpers/claude-code.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// A command that exits without reading stdin makes the write of its input fail with EPIPE. The
// helpers must absorb it: an unhandled 'error' event fails the whole vitest run even when every
// test passes.
describe('test helpers and a command that does not read its stdin', () => {
  const input = 'x'.repeat(4 * 1024 * 1024);

  it('runHookCommand resolves with the exit code', async () => {
    const result = await runHookCommand('exit 3', { cwd: tempDir(), env: { PATH: process.env.PATH ?? '' }, input });
    expect(result.code).toBe(3);
  });

  it('runCli resolves with the exit code', async () => {
    const result = await runCli(['--version'], { input });
    expect(result.code).toBe(0);
  });
});
