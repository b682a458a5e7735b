import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The agent hosts' own CLIs from npm, pinned: the setup tests ask them whether they see the server
 * `ct setup` wrote. They are ~520 MB together (Codex ships a native binary), too much for a
 * devDependency, so they are installed once into node_modules/.cache and reused.
 */
export const HOST_CLI_PACKAGES = ['@openai/codex@0.171.0', '@google/gemini-cli@0.61.0'];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, 'node_modules', '.cache', 'ct-host-clis');

export interface HostClis {
  codex: string;
  gemini: string;
}

/** Installs the CLIs (first run only); resolves with their paths, or the reason they are missing. */
export async function installHostClis(): Promise<HostClis | { missing: string }> {
  const bins = {
    codex: path.join(DIR, 'node_modules', '.bin', 'codex'),
    gemini: path.join(DIR, 'node_modules', '.bin', 'gemini'),
  };
  const stamp = path.join(DIR, 'installed.json');
  const wanted = JSON.stringify(HOST_CLI_PACKAGES);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && Object.values(bins).every(fs.existsSync))
    return bins;
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, 'package.json'), '{"private": true}\n');
  const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['install', '--no-audit', '--no-fund', '--no-save', ...HOST_CLI_PACKAGES], {
      cwd: DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: -1, stderr: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
  if (result.code !== 0 || !Object.values(bins).every(fs.existsSync))
    return {
      missing: `npm install ${HOST_CLI_PACKAGES.join(' ')} failed: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`,
    };
  fs.writeFileSync(stamp, wanted);
  return bins;
}
