import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which setting chose the data dir: `ct doctor` reports it. */
export type DataDirSource = 'CT_DATA_DIR' | 'CT_HOME' | 'XDG_DATA_HOME' | 'default';

/**
 * Where `ct` keeps its own data: the store registry, stores cloned from URLs, the built-in seeds
 * store and config.json. `CT_DATA_DIR` is oclif's name for its data dir (`<BIN>_DATA_DIR`), so one
 * variable moves both; `CT_HOME` is its older alias (tests and existing setups use it); otherwise
 * the XDG data dir, as oclif computes it. bin/run.js hands CT_HOME to oclif as CT_DATA_DIR.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): { dir: string; from: DataDirSource } {
  if (env.CT_DATA_DIR) {
    const dir = path.resolve(env.CT_DATA_DIR);
    // Equal when bin/run.js copied the alias over: report the name the user set.
    return { dir, from: env.CT_HOME && path.resolve(env.CT_HOME) === dir ? 'CT_HOME' : 'CT_DATA_DIR' };
  }
  if (env.CT_HOME) return { dir: path.resolve(env.CT_HOME), from: 'CT_HOME' };
  // The XDG spec says to ignore a relative XDG_DATA_HOME.
  if (env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME))
    return { dir: path.join(env.XDG_DATA_HOME, 'commontrace'), from: 'XDG_DATA_HOME' };
  return { dir: path.join(os.homedir(), '.local', 'share', 'commontrace'), from: 'default' };
}

export function getDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveDataDir(env).dir;
}

/** The package root (where package.json, seeds/ and store-template/ live), from dist/ or src/. */
export function getPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // src/paths.ts -> <root>/src ; dist/src/paths.js -> <root>/dist/src ; the bundle dist/ct.cjs -> <root>/dist
  for (let i = 0; i < 4; i++) {
    if (path.basename(dir) === 'src') {
      const parent = path.dirname(dir);
      return path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
    }
    if (path.basename(dir) === 'dist') return path.dirname(dir);
    dir = path.dirname(dir);
  }
  throw new Error('cannot locate the commontrace package root');
}

export const storeTemplateDir = (): string => path.join(getPackageRoot(), 'store-template');
export const seedsDir = (): string => path.join(getPackageRoot(), 'seeds');
