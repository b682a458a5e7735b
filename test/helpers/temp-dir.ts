import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The temp dirs this test file made (test files are isolated, so the list is per file), and the
// OS temp dir as it was before setup.ts pointed TMPDIR elsewhere. Kept on globalThis: after
// vi.resetModules() this module may load again, and the dirs a second copy makes must go too.
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('ct.test.tempDirs')] ??= {
  root: os.tmpdir(),
  made: [],
}) as { root: string; made: string[] };

/** A new directory under the OS temp dir, removed when the test file finishes (see removeTempDirs). */
export function tempDir(prefix = 'ct-test-'): string {
  const dir = fs.mkdtempSync(path.join(state.root, prefix));
  state.made.push(dir);
  return dir;
}

/**
 * Removes every dir {@link tempDir} made, unless `CT_KEEP_TEMP=1` (then their paths go to stderr,
 * for debugging). Never throws: a child process that still writes into a dir, or a file that will
 * not go, must not fail the tests that already passed; it is reported and left behind.
 */
export async function removeTempDirs(): Promise<void> {
  const dirs = state.made.splice(0);
  if (dirs.length === 0) return;
  if (process.env.CT_KEEP_TEMP === '1') {
    process.stderr.write(`CT_KEEP_TEMP=1: kept ${dirs.length} temp dirs:\n${dirs.map((d) => `  ${d}\n`).join('')}`);
    return;
  }
  const results = await Promise.allSettled(
    dirs.map((dir) => fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 })),
  );
  results.forEach((result, i) => {
    if (result.status === 'rejected') process.stderr.write(`could not remove temp dir ${dirs[i]}: ${result.reason}\n`);
  });
}
