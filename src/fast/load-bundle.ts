import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** What dist/ct.cjs exports (src/fast/main.ts). */
export interface FastBundle {
  runFast(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<boolean>;
}

export interface LoadedBundle {
  bundle: FastBundle;
  /** Writes the V8 code cache when it was missing or rejected; call once the command has run. */
  saveCache: () => void;
  cache: 'hit' | 'miss' | 'rejected' | 'off';
}

/**
 * Loads the CommonJS bundle with V8's code cache, as `module.enableCompileCache()` does from Node
 * 22.1 (this package supports Node 20): the bundle is compiled with `vm.Script` and `cachedData`
 * from the last run, so V8 skips parsing and compiling what it compiled then. The cache is
 * written after the command ran, so it holds the functions the command used, not only the top
 * level. It lives in a directory of this user's only (`$XDG_CACHE_HOME/commontrace` or
 * `~/.cache/commontrace`, mode 0700), keyed by the bundle's size and mtime and the Node version;
 * V8 rejects a cache made for other source or flags, and the bundle is then compiled normally.
 * CT_COMPILE_CACHE=off turns it off (the bundle is then required normally).
 */
export function loadFastBundle(file: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  const require = createRequire(file);
  const off = ['off', '0', 'false', 'no'].includes((env.CT_COMPILE_CACHE ?? '').toLowerCase());
  if (off) return { bundle: require(file) as FastBundle, saveCache: () => {}, cache: 'off' };
  const source = fs.readFileSync(file, 'utf8');
  const stat = fs.statSync(file);
  const cacheFile = path.join(
    cacheDir(env),
    `ct-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}.v8cache`,
  );
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Module.wrap's wrapper, plus the bundle's way to import() external ES modules (see bundle.ts).
  const wrapper = `(function (exports, require, module, __filename, __dirname, __ctImport) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as FastBundle };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    require,
    module,
    file,
    path.dirname(file),
    (specifier: string) => import(specifier),
  );
  const cache = !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const saveCache = () => {
    if (cache === 'hit') return;
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temp, cacheFile);
      // Caches of earlier builds (another size or mtime) are dead weight.
      for (const name of fs.readdirSync(path.dirname(cacheFile)))
        if (name.startsWith('ct-') && name.endsWith('.v8cache') && name !== path.basename(cacheFile))
          fs.rmSync(path.join(path.dirname(cacheFile), name), { force: true });
    } catch {
      // A cache that cannot be written only costs the next run its compile time.
    }
  };
  return { bundle: module.exports, saveCache, cache };
}

function cacheDir(env: NodeJS.ProcessEnv): string {
  const base =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'commontrace', 'v8');
}
