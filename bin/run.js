#!/usr/bin/env node
import { fileURLToPath } from 'node:url';

// One data dir for ct and oclif (and its plugins): oclif reads only CT_DATA_DIR, ct also its older
// alias CT_HOME (src/paths.ts).
if (!process.env.CT_DATA_DIR && process.env.CT_HOME) process.env.CT_DATA_DIR = process.env.CT_HOME;

// The fast path: `ct --version` and `ct --help` from src/fast/instant.ts; `ct search`, `ct index`
// and `ct hook session-start` from the bundle of src/fast/main.ts (dist/ct.cjs), without loading
// oclif. Anything they do not handle, a build without them, or CT_FAST=0, goes to oclif below.
if (!(await runFast())) {
  const { execute, settings } = await import('@oclif/core');
  // ct always runs from its compiled dist/: with NODE_ENV=test or development oclif would otherwise
  // look for the TypeScript source of hooks and fail to load it.
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}

async function runFast() {
  if (['0', 'off', 'false', 'no'].includes((process.env.CT_FAST ?? '').toLowerCase())) return false;
  const { answerInstantly } = await import('../dist/src/fast/instant.js').catch(() => ({}));
  if (answerInstantly?.(process.argv.slice(2))) return true;
  const first = process.argv[2];
  if (first !== 'search' && first !== 'hook' && first !== 'index') return false;
  const bundleFile = fileURLToPath(new URL('../dist/ct.cjs', import.meta.url));
  let loaded;
  try {
    const { loadFastBundle } = await import('../dist/src/fast/load-bundle.js');
    loaded = loadFastBundle(bundleFile);
  } catch (e) {
    if (e?.code === 'ENOENT' || e?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw e;
  }
  const handled = await loaded.bundle.runFast(process.argv.slice(2));
  if (handled) loaded.saveCache();
  return handled;
}
