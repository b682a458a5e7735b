import path from 'node:path';
import { refuseSymlinks } from '../util/fs.js';

/** The git-ignored folder of a store checkout that holds local state: the index, caches, pending publications. */
export const LOCAL_DIR = '.ct';

/** A path inside the store's local folder, e.g. `localPath(root, 'index')`. */
export function localPath(root: string, ...parts: string[]): string {
  return path.join(root, LOCAL_DIR, ...parts);
}

/**
 * Refuses a store whose local folder (or a path in it) is a symbolic link: a committed
 * `.ct -> ~/somewhere` would make the index and its state land outside the store.
 */
export async function refuseLocalSymlinks(root: string, ...parts: string[]): Promise<void> {
  await refuseSymlinks(root, path.join(LOCAL_DIR, ...parts));
}
