import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { indexDir } from './state.js';
import './table.js';

/** One file of a LanceDB table directory, as the manifest of a shipped index lists it. */
export interface TableFile {
  /** Relative to the table directory, with forward slashes (data/…, _indices/…, _versions/…). */
  path: string;
  bytes: number;
  sha256: string;
}

/** The directory LanceDB keeps a table of an index folder in. */
export const tableDir = (parent: string, table: string): string => path.join(parent, `${table}.lance`);

/**
 * A copy of one table of a store's index holding only its latest version: the table directory is
 * copied into a scratch folder beside it (same file system), and LanceDB drops every older version
 * and unreferenced file from the copy. Nothing else opens the copy, so unverified files can go too.
 * The checkout's own table is not touched: readers and a running server keep their versions.
 */
export async function snapshotTable(
  root: string,
  table: string,
): Promise<{ dir: string; files: TableFile[]; remove: () => Promise<void> }> {
  // An export killed half-way left its copy; one started within the hour may still be running.
  for (const name of await fs.promises.readdir(indexDir(root))) {
    if (!name.startsWith('.export-')) continue;
    const old = path.join(indexDir(root), name);
    const stat = await fs.promises.stat(old).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > 3_600_000) await fs.promises.rm(old, { recursive: true, force: true });
  }
  const scratch = await fs.promises.mkdtemp(path.join(indexDir(root), '.export-'));
  const remove = () => fs.promises.rm(scratch, { recursive: true, force: true });
  try {
    const dir = tableDir(scratch, table);
    await fs.promises.cp(tableDir(indexDir(root), table), dir, { recursive: true });
    const lancedb = await import('@lancedb/lancedb');
    const db = await lancedb.connect(scratch);
    const copy = await db.openTable(table);
    await copy.optimize({ cleanupOlderThan: new Date(Date.now() + 1000), deleteUnverified: true });
    copy.close();
    db.close();
    return { dir, files: await listTableFiles(dir), remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/** Every file under a table directory, sorted by path, with its size and sha256 (read in a stream). */
export async function listTableFiles(dir: string): Promise<TableFile[]> {
  const entries = await fs.promises.readdir(dir, { recursive: true, withFileTypes: true });
  const files: TableFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const { bytes, sha256 } = await hashFile(full);
    files.push({ path: path.relative(dir, full).split(path.sep).join('/'), bytes, sha256 });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
