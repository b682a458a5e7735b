import { createHash } from 'node:crypto';
import { GitError } from '../errors.js';
import { gitDetail, spawnGit } from './run.js';

/**
 * The text of many blobs in one `git cat-file --batch` call (one process, not one per blob).
 * Keys are the names asked for (blob ids, or `<commit>:<path>`); missing objects are left out.
 */
export async function readBlobs(root: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const blobs = new Map<string, string>();
  if (wanted.length === 0) return blobs;
  const result = await spawnGit(root, ['cat-file', '--batch'], { input: `${wanted.join('\n')}\n` });
  if (result.code !== 0) throw new GitError(`git cat-file failed: ${gitDetail(result)}`);
  const out = result.stdout;
  let at = 0;
  // One answer per line of input, in order.
  for (const name of wanted) {
    const eol = out.indexOf(0x0a, at);
    if (eol === -1) break;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    // "<name> missing" (a name may hold spaces) or "<oid> <type> <size>".
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) continue;
    const [, type, size] = header.split(' ');
    if (size === undefined) continue;
    const length = Number(size);
    if (type === 'blob') blobs.set(name, out.subarray(at, at + length).toString('utf8'));
    at += length + 1;
  }
  return blobs;
}

/** git's object id of a blob: sha1("blob <size>\0<content>"). */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
