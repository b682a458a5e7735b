import fs from 'node:fs/promises';
import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { runGit } from '../git/run.js';
import { TRACES_DIR } from '../store/load.js';

/**
 * Every trace file of a checkout with the git blob id of its current content: committed and
 * staged files from git's index (`ls-files -s`, no file reads), and files changed in the working
 * tree or untracked, hashed in-process. A file deleted in the working tree is left out.
 */
export async function listTraceBlobs(root: string): Promise<{ blobs: Map<string, string>; uncommitted: Set<string> }> {
  const blobs = new Map<string, string>();
  const staged = (await runGit(root, ['ls-files', '-s', '-z', '--', `${TRACES_DIR}/`])).stdout;
  for (const entry of staged.split('\0')) {
    const match = /^(\d+) ([0-9a-f]{40,64}) \d\t(.+)$/.exec(entry);
    // Symbolic links (mode 120000) are never indexed: their target could be any file.
    if (match && match[1] !== '120000' && match[3]?.endsWith('.md')) blobs.set(match[3], match[2] as string);
  }
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
