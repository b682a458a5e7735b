import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CtError, ExitCode } from '../errors.js';
import { ownString } from './own-string.js';

/**
 * Writes a file atomically (temp file in the same folder, then rename): readers never see half.
 * The content may come in pieces, so a large file is never one string in memory.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array | Iterable<string>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, content, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

export async function pathExists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

export async function isDirectory(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Every regular file below `dir` (relative, with forward slashes), skipping .git and .ct.
 * Symbolic links are never followed or returned (a contributed `traces/x.md -> ~/.ssh/id_rsa`
 * must not be read), whatever their name, and neither is `dir` itself when it is one (a committed
 * `traces -> /` must not list the machine); pass `onSymlink` to hear about them. `suffix` keeps
 * only the files whose name ends with it, and `prefix` is put before each returned path: a listing
 * of a million files is then built once, not filtered and mapped into a second copy.
 */
export async function walkFiles(
  dir: string,
  options: { skip?: ReadonlySet<string>; onSymlink?: (file: string) => void; suffix?: string; prefix?: string } = {},
): Promise<string[]> {
  const { suffix = '', prefix = '' } = options;
  const skip = options.skip ?? new Set(['.git', '.ct', 'node_modules']);
  const out: string[] = [];
  if ((await fs.lstat(dir).catch(() => undefined))?.isSymbolicLink()) {
    options.onSymlink?.('');
    return out;
  }
  const visit = async (rel: string) => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) options.onSymlink?.(child);
      else if (skip.has(entry.name)) continue;
      else if (entry.isDirectory()) await visit(child);
      // A flat copy: `${rel}/${name}` is a rope of two strings, and sorting flattens it into a third
      // (~170 bytes a file instead of ~80: 187 MB of heap for a listing of 1,000,000 traces).
      else if (entry.isFile() && entry.name.endsWith(suffix)) out.push(ownString(prefix + child));
    }
  };
  await visit('');
  return out.sort();
}

/**
 * The first part of `rel` (a path inside `root`) that is a symbolic link, or undefined. A store
 * never holds links: a committed `.ct -> ~/elsewhere` or `votes/<id>/<voter>.yml -> /etc/passwd`
 * would make ct read or write outside the store.
 */
export async function findSymlink(root: string, rel: string): Promise<string | undefined> {
  let current = root;
  for (const part of rel.split(/[\\/]/).filter(Boolean)) {
    current = path.join(current, part);
    const stat = await fs.lstat(current).catch(() => undefined);
    if (!stat) return undefined;
    if (stat.isSymbolicLink()) return path.relative(root, current).split(path.sep).join('/');
  }
  return undefined;
}

/** Throws a clear error when `rel` inside `root` is, or passes through, a symbolic link. */
export async function refuseSymlinks(root: string, rel: string): Promise<void> {
  const link = await findSymlink(root, rel);
  if (link === undefined) return;
  throw new CtError('store-symlink', `${path.join(root, link)} is a symbolic link: ct never follows links in a store`, {
    hint: `replace it with a real ${link === '.ct' ? 'folder (rm it; ct recreates .ct/)' : 'file or folder'}, or remove it`,
    exit: ExitCode.invalidInput,
    data: { root, path: link },
  });
}

/** Files read between two turns of the event loop by readManyFiles. */
const READ_SLICE = 256;

/**
 * The contents of many small files (undefined for one that cannot be read), in order. Reads are
 * synchronous, in slices with a turn of the event loop between them: 10,000 trace files took
 * ~400 ms through fs.promises (64 in flight: each read is a round trip through libuv's thread
 * pool) and ~55 ms with readFileSync, while a slice keeps a server's event loop answering.
 */
export async function readManyFiles(files: readonly string[]): Promise<(Buffer | undefined)[]> {
  const out: (Buffer | undefined)[] = [];
  for (let start = 0; start < files.length; start += READ_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const file of files.slice(start, start + READ_SLICE)) {
      try {
        out.push(readFileSync(file));
      } catch {
        out.push(undefined);
      }
    }
  }
  return out;
}

/** The lines of a text file (split on \n), read `chunkBytes` at a time (a megabyte): a large file is never held whole. */
export async function* readLines(file: string, chunkBytes = 1 << 20): AsyncGenerator<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    // The bytes after the last line break so far, kept as bytes: decoding them alone would cut a
    // character that a read split in two (an accented file name across a megabyte boundary).
    let rest = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const end = buffer.lastIndexOf(10, bytesRead - 1);
      if (end === -1) {
        rest = Buffer.concat([rest, buffer.subarray(0, bytesRead)]);
        continue;
      }
      const lines = Buffer.concat([rest, buffer.subarray(0, end)])
        .toString('utf8')
        .split('\n');
      rest = Buffer.from(buffer.subarray(end + 1, bytesRead));
      yield* lines;
    }
    if (rest.length > 0) yield rest.toString('utf8');
  } finally {
    await handle.close();
  }
}
