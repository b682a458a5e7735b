import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../util/process.js';

/** The prefix of the scratch folders below, with the pid of the process that made each. */
const PREFIX = 'commontrace-lance-';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a LanceDB vector index build with a temp folder of its own, removed afterwards.
 *
 * LanceDB 0.31 leaves the shuffle files of every IVF index build in a `.tmpXXXXXX` folder of the
 * OS temp folder and never removes them (lance-format/lance#8992, fixed in later releases that
 * need Node 22 here): one folder per build, growing with the table. LanceDB takes that folder from
 * TMPDIR when the build starts, so for the build TMPDIR names a fresh folder, which goes when the
 * build is over, whatever LanceDB left in it. Builds of one process take turns (TMPDIR is the
 * process's); a folder left by a process that died mid-build is removed by the next build.
 *
 * Only the shuffle folders LanceDB made are removed, then the folder itself if nothing else is in
 * it: something else of this process that asked os.tmpdir() meanwhile keeps its files. Not on
 * Windows, where Rust does not read TMPDIR.
 */
export function withLanceScratch<T>(run: () => Promise<T>): Promise<T> {
  if (process.platform === 'win32') return run();
  const next = queue.then(() => inScratch(run));
  queue = next.catch(() => undefined);
  return next;
}

async function inScratch<T>(run: () => Promise<T>): Promise<T> {
  const parent = os.tmpdir();
  removeOrphans(parent);
  const scratch = fs.mkdtempSync(path.join(parent, `${PREFIX}${process.pid}-`));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    return await run();
  } finally {
    // Set back, not deleted: adding a variable again could move the environment while LanceDB's
    // threads read it; replacing a value does not. An unset TMPDIR and the default folder are the same.
    process.env.TMPDIR = previous ?? parent;
    clear(scratch);
  }
}

function clear(scratch: string): void {
  try {
    for (const entry of fs.readdirSync(scratch, { withFileTypes: true }))
      if (entry.isDirectory() && entry.name.startsWith('.tmp'))
        fs.rmSync(path.join(scratch, entry.name), { recursive: true, force: true });
    fs.rmdirSync(scratch);
  } catch {
    // Not empty (another part of the process used it) or already gone: left for the next build.
  }
}

/** Scratch folders of processes that are gone (killed in a build), and emptied ones of this one. */
function removeOrphans(parent: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || (pid !== process.pid && isProcessAlive(pid))) continue;
    if (pid === process.pid) clear(path.join(parent, name));
    else
      try {
        fs.rmSync(path.join(parent, name), { recursive: true, force: true });
      } catch {
        // Another user's: theirs to remove.
      }
  }
}
