#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// ct always runs from its compiled dist/: with NODE_ENV=test or development oclif would otherwise
// look for the TypeScript source of hooks and fail to load it.
settings.enableAutoTranspile = false;
// One data dir for ct and oclif (and its plugins): oclif reads only CT_DATA_DIR, ct also its older
// alias CT_HOME (src/paths.ts).
if (!process.env.CT_DATA_DIR && process.env.CT_HOME) process.env.CT_DATA_DIR = process.env.CT_HOME;

await execute({ dir: import.meta.url });
