import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');

/** Debian's chromium (`apt-get install chromium`, as .ci/run does); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests save their screenshots (git-ignored). */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts the built `ct serve` with `args` (add --port 0) and resolves with the URL it prints. */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let listening = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ct serve did not print its URL in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      if (listening) return;
      clearTimeout(timer);
      reject(new Error(`ct serve exited with ${code} before listening; stderr:\n${stderr}`));
    });
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /^(http:\/\/\S+)$/m.exec(stdout)?.[1];
      if (!url) return;
      if (listening) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url,
        child,
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Headless chromium through playwright-core, with a clear error when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}
