import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/store.js';
import type { TraceSignals } from '../trust/signals.js';
import { writeFileAtomic } from '../util/fs.js';
import { indexDir } from './state.js';

const file = (root: string) => path.join(indexDir(root), 'signals.json');

/**
 * Votes, flags, trust and validated status per trace id, recomputed at every index update (one
 * `git log` for authors and vote writers, one small file read per vote, the frontmatter of each
 * trace) and kept beside the table, so a vote never re-embeds a trace.
 */
export async function writeSignals(store: Store): Promise<void> {
  // Loaded here, not with the module: searches read signals.json, only index updates write it.
  const [{ trustOptions }, { readSignals }] = await Promise.all([
    import('../trust/assess.js'),
    import('../trust/signals.js'),
  ]);
  const signals = await readSignals(store.root, trustOptions(store));
  await writeFileAtomic(file(store.root), `${JSON.stringify(Object.fromEntries(signals))}\n`);
}

export async function hasSignals(root: string): Promise<boolean> {
  return fs.access(file(root)).then(
    () => true,
    () => false,
  );
}

const loaded = new Map<string, { stamp: string; signals: Map<string, TraceSignals> }>();

/**
 * The signals file of a store's index, parsed once per version of the file: a long-running
 * server (ct mcp) searches many times between index updates, and at 100,000 traces parsing it on
 * every query cost more than the query. The map returned is shared: read it, never change it.
 */
export async function loadSignals(root: string): Promise<Map<string, TraceSignals>> {
  const at = file(root);
  const stat = await fs.stat(at).catch(() => undefined);
  if (!stat) return new Map();
  // writeSignals replaces the file (a new inode), so a rewrite within one mtime tick still shows.
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const cached = loaded.get(at);
  if (cached?.stamp === stamp) return cached.signals;
  const text = await fs.readFile(at, 'utf8').catch(() => '{}');
  let signals: Map<string, TraceSignals>;
  try {
    // Our own cache, written just above: not validated field by field.
    signals = new Map(Object.entries(JSON.parse(text) as Record<string, TraceSignals>));
  } catch {
    signals = new Map();
  }
  loaded.set(at, { stamp, signals });
  return signals;
}
