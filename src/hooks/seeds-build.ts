import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getDataDir, getPackageRoot } from '../paths.js';
import { isProcessAlive } from '../util/process.js';

/** How long a build may hold the claim before another session may start one anyway. */
const CLAIM_MS = 10 * 60_000;

export const seedsBuildClaim = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(getDataDir(env), 'seeds-build.pid');

/**
 * Starts `ct index --store seeds` as a detached background process (it creates the built-in seeds
 * store and builds its index: longer than a session start may take) unless one is already
 * running. The claim is a file in the data dir naming the builder's pid: it outlives the hook
 * process that wrote it, holds while that builder runs, and is void once it has exited or after
 * ten minutes, so a killed build never blocks the next session's. Returns whether a build was
 * started now, or one was already running.
 */
export async function startSeedsBuild(env: NodeJS.ProcessEnv = process.env): Promise<'started' | 'running'> {
  const claim = seedsBuildClaim(env);
  await fs.mkdir(path.dirname(claim), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(claim, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await claimHolds(claim)) return 'running';
      await fs.rm(claim, { force: true });
      continue;
    }
    try {
      const child = spawn(
        process.execPath,
        [path.join(getPackageRoot(), 'bin', 'run.js'), 'index', '--store', 'seeds'],
        {
          detached: true,
          stdio: 'ignore',
          env,
        },
      );
      child.on('error', () => {});
      child.unref();
      // Below the session's own processes: the build must not slow the session it serves.
      if (child.pid) {
        try {
          os.setPriority(child.pid, 10);
        } catch {
          // Not allowed here: the build runs at normal priority.
        }
      }
      await handle.writeFile(`${child.pid ?? ''}\n`);
    } finally {
      await handle.close();
    }
    return 'started';
  }
  return 'running';
}

async function claimHolds(claim: string): Promise<boolean> {
  const [text, stat] = await Promise.all([
    fs.readFile(claim, 'utf8').catch(() => ''),
    fs.stat(claim).catch(() => undefined),
  ]);
  if (!stat || Date.now() - stat.mtimeMs > CLAIM_MS) return false;
  const pid = Number(text.trim());
  // Written right after the spawn: an empty claim younger than a few seconds is being written.
  if (!text.trim()) return Date.now() - stat.mtimeMs < 5_000;
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid);
}
