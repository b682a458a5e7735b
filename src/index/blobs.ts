import fs from 'node:fs/promises';
import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { type GitResult, gitFailure, runGit, spawnGit } from '../git/run.js';
import { TRACES_DIR } from '../store/load.js';

/**
 * Every trace file of a checkout with the git blob id of its current content: committed and
 * staged files from git's index (`ls-files -s`, no file reads), and files changed in the working
 * tree or untracked, hashed in-process. A file deleted in the working tree is left out.
 */
export async function listTraceBlobs(root: string): Promise<{ blobs: Map<string, string>; uncommitted: Set<string> }> {
  const blobs = stagedBlobs(await spawnGit(root, ['ls-files', '-s', '-z', '--', `${TRACES_DIR}/`]));
  const changed = (
    await runGit(root, ['ls-files', '-z', '-m', '-o', '-d', '--exclude-standard', '--', `${TRACES_DIR}/`])
  ).stdout;
  const uncommitted = new Set(changed.split('\0').filter((f) => f.endsWith('.md')));
  for (const file of uncommitted) {
    const stat = await fs.lstat(path.join(root, file)).catch(() => undefined);
    const content = stat?.isFile() ? await fs.readFile(path.join(root, file)).catch(() => undefined) : undefined;
    if (content === undefined) blobs.delete(file);
    else blobs.set(file, gitBlobId(content));
  }
  return { blobs, uncommitted };
}

/**
 * `<mode> <blob> <stage>\t<path>` records of `git ls-files -s -z`, read from git's bytes one record
 * at a time: at 1,000,000 traces the output is ~100 MB, and decoding it whole and splitting it
 * held it twice over beside the map.
 */
function stagedBlobs(result: GitResult): Map<string, string> {
  if (result.code !== 0) throw gitFailure(['ls-files'], result);
  const out = result.stdout;
  const blobs = new Map<string, string>();
  for (let start = 0; start < out.length; ) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    const tab = out.indexOf(9, start);
    const space = out.indexOf(32, start);
    const blobEnd = space < 0 ? -1 : out.indexOf(32, space + 1);
    if (tab > 0 && tab < end && blobEnd > space && blobEnd < tab) {
      const file = out.toString('utf8', tab + 1, end);
      // Symbolic links (mode 120000) are never indexed: their target could be any file.
      if (out.toString('latin1', start, space) !== '120000' && file.endsWith('.md'))
        blobs.set(file, out.toString('latin1', space + 1, blobEnd));
    }
    start = end + 1;
  }
  return blobs;
}
