import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `ct` keeps its own data: the store registry, stores cloned from URLs and the built-in
 * seeds store. `CT_HOME` overrides it (tests and portable installs); otherwise the XDG data dir.
 */
export function getDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CT_HOME) return path.resolve(env.CT_HOME);
  const xdg =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'commontrace');
}

/** The package root (where package.json, seeds/ and store-template/ live), from dist/ or src/. */
export function getPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // src/paths.ts -> <root>/src ; dist/src/paths.js -> <root>/dist/src
  for (let i = 0; i < 4; i++) {
    if (path.basename(dir) === 'src') {
      const parent = path.dirname(dir);
      return path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot locate the commontrace package root');
}

export const storeTemplateDir = (): string => path.join(getPackageRoot(), 'store-template');
export const seedsDir = (): string => path.join(getPackageRoot(), 'seeds');
