import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'run.js');
/** Claude Code's CLI, installed from npm as a dev dependency. */
export const CLAUDE = path.join(ROOT, 'node_modules', '.bin', 'claude');
const run = promisify(execFile);

/**
 * A private `ct` for the plugin to find on PATH, as `npm install -g commontrace` would provide:
 * a shell script running this checkout's built CLI. Returns the folder to put first on PATH.
 */
export function makeCtShim(dir = tempDir('ct-shim-')): string {
  const file = path.join(dir, 'ct');
  fs.writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return dir;
}

/** An isolated user for Claude Code: its own HOME and config dir, no network chatter, `ct` shim on PATH. */
export function claudeUser(options: { ctHome: string; shim?: string; extra?: Record<string, string> }): {
  home: string;
  env: Record<string, string>;
} {
  const home = tempDir('ct-claude-home-');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CT_HOME: options.ctHome,
    PATH: `${options.shim ?? makeCtShim()}${path.delimiter}${process.env.PATH ?? ''}`,
    ...options.extra,
  };
  delete env.CT_STORE;
  delete env.CT_HOOKS;
  return { home, env };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `claude <args>`; a non-zero exit is returned, not thrown. */
export async function runClaude(
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(CLAUDE, args, {
      cwd: options.cwd,
      env: options.env,
      timeout: options.timeoutMs ?? 90_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Runs a hook command line from hooks.json the way Claude Code does: through a shell, JSON on stdin. */
export function runHookCommand(
  command: string,
  options: { cwd: string; env: Record<string, string>; input: string },
): Promise<Ran & { ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started }));
    // A hook that exits without reading its input (turned off, `ct` missing) closes the pipe: the
    // write then fails with EPIPE, which is the hook's business, not an error of the test run.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}
