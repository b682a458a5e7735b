import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes a file atomically (temp file in the same folder, then rename): readers never see half. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
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
 * must not be read); pass `onSymlink` to hear about them.
 */
export async function walkFiles(
  dir: string,
  options: { skip?: ReadonlySet<string>; onSymlink?: (file: string) => void } = {},
): Promise<string[]> {
  const skip = options.skip ?? new Set(['.git', '.ct', 'node_modules']);
  const out: string[] = [];
  const visit = async (rel: string) => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (skip.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) options.onSymlink?.(child);
      else if (entry.isDirectory()) await visit(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  await visit('');
  return out.sort();
}
