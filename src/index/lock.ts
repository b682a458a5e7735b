import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { CtError, ExitCode } from '../errors.js';
import { localPath, refuseLocalSymlinks } from '../store/local.js';
import { writeFileAtomic } from '../util/fs.js';

/**
 * Serialises writers of one store's index. The lock is a directory next to the index whose mtime
 * is refreshed while held; a lock left by a killed process goes stale after `staleMs` and is taken
 * over, so a crash never blocks the next run for long.
 */
export async function withIndexLock<T>(
  root: string,
  work: () => Promise<T>,
  options: { waitMs?: number; log?: (m: string) => void } = {},
): Promise<T> {
  await refuseLocalSymlinks(root, 'index');
  const dir = localPath(root);
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, 'index');
  await fs.mkdir(target, { recursive: true });
  const waitMs = options.waitMs ?? 10 * 60_000;
  const lockfilePath = path.join(dir, 'index.lock');
  let release: (() => Promise<void>) | undefined;
  let told = false;
  const started = Date.now();
  for (;;) {
    try {
      release = await lockfile.lock(target, { stale: 15_000, update: 5_000, realpath: false, lockfilePath });
      await writeFileAtomic(
        `${lockfilePath}.owner`,
        `${os.hostname()} ${process.pid} ${startTimeOf(process.pid) ?? ''}\n`,
      ).catch(() => undefined);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ELOCKED') throw e;
      // A lock whose owner on this host is gone (killed, crashed) is taken over at once rather
      // than after the 15 s staleness window.
      if (await ownerIsGone(lockfilePath)) {
        await fs.rm(lockfilePath, { recursive: true, force: true });
        await fs.rm(`${lockfilePath}.owner`, { force: true });
        continue;
      }
      if (Date.now() - started > waitMs) {
        throw new CtError(
          'index-locked',
          `another ct process has been updating the index of ${root} for over ${Math.round(waitMs / 1000)} s`,
          { hint: 'wait for it to finish; a lock left by a killed process expires after 15 s', exit: ExitCode.index },
        );
      }
      if (!told) options.log?.('Waiting for another ct process to finish updating the index...');
      told = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // A process that exits while holding the lock (process.exit, as the SessionStart hook does when
  // out of time) leaves neither the lock (proper-lockfile removes it on exit) nor its owner file.
  const removeOwner = () => fsSync.rmSync(`${lockfilePath}.owner`, { force: true });
  process.once('exit', removeOwner);
  try {
    return await work();
  } finally {
    process.removeListener('exit', removeOwner);
    await fs.rm(`${lockfilePath}.owner`, { force: true });
    await release().catch(() => undefined);
  }
}

/**
 * True when the lock's owner file names a process of this host that is gone: dead, or its pid
 * now used by another process (a different start time).
 */
async function ownerIsGone(lockfilePath: string): Promise<boolean> {
  const owner = await fs.readFile(`${lockfilePath}.owner`, 'utf8').catch(() => undefined);
  const [host, pidText, started] = owner?.trim().split(' ') ?? [];
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as { code?: string }).code === 'ESRCH';
  }
  return started !== undefined && started !== '' && startTimeOf(pid) !== started;
}

/** When a process started (Linux: /proc/<pid>/stat field 22, in clock ticks since boot); undefined elsewhere. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fsSync.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
