import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { trustOptions } from '../trust/assess.js';
import { readSignals, type TraceSignals } from '../trust/signals.js';
import { writeFileAtomic } from '../util/fs.js';
import { indexDir } from './state.js';

const file = (root: string) => path.join(indexDir(root), 'signals.json');

/**
 * Votes, flags, trust and validated status per trace id, recomputed at every index update (one
 * `git log` for authors and vote writers, one small file read per vote, the frontmatter of each
 * trace) and kept beside the table, so a vote never re-embeds a trace.
 */
export async function writeSignals(store: Store): Promise<void> {
  const signals = await readSignals(store.root, trustOptions(store));
  await writeFileAtomic(file(store.root), `${JSON.stringify(Object.fromEntries(signals))}\n`);
}

export async function hasSignals(root: string): Promise<boolean> {
  return fs.access(file(root)).then(
    () => true,
    () => false,
  );
}

export async function loadSignals(root: string): Promise<Map<string, TraceSignals>> {
  const text = await fs.readFile(file(root), 'utf8').catch(() => '{}');
  try {
    // Our own cache, written just above: read on every search, so not validated field by field.
    return new Map(Object.entries(JSON.parse(text) as Record<string, TraceSignals>));
  } catch {
    return new Map();
  }
}
