#!/usr/bin/env node
import { fileURLToPath } from 'node:url';

// One data dir for ct and oclif (and its plugins): oclif reads only CT_DATA_DIR, ct also its older
// alias CT_HOME (src/paths.ts).
if (!process.env.CT_DATA_DIR && process.env.CT_HOME) process.env.CT_DATA_DIR = process.env.CT_HOME;

// The fast path (src/fast/main.ts, bundled into dist/ct.cjs): `ct search`, `ct index`, `ct hook
// session-start`, `ct --help` and `ct --version` without loading oclif; anything it does not
// handle, or a build without the bundle, or CT_FAST=0, goes to oclif below.
if (!(await runFast())) {
  const { execute, settings } = await import('@oclif/core');
  // ct always runs from its compiled dist/: with NODE_ENV=test or development oclif would otherwise
  // look for the TypeScript source of hooks and fail to load it.
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}

async function runFast() {
  if (['0', 'off', 'false', 'no'].includes((process.env.CT_FAST ?? '').toLowerCase())) return false;
  const first = process.argv[2];
  if (
    first !== undefined &&
    first !== '--help' &&
    first !== '--version' &&
    first !== 'search' &&
    first !== 'hook' &&
    first !== 'index'
  )
    return false;
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
