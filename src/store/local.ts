import path from 'node:path';

/** The git-ignored folder of a store checkout that holds local state: the index, caches, pending publications. */
export const LOCAL_DIR = '.ct';

/** A path inside the store's local folder, e.g. `localPath(root, 'index')`. */
export function localPath(root: string, ...parts: string[]): string {
  return path.join(root, LOCAL_DIR, ...parts);
}
