#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// ct always runs from its compiled dist/: with NODE_ENV=test or development oclif would otherwise
// look for the TypeScript source of hooks and fail to load it.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
