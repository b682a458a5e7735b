import fs from 'node:fs/promises';
import path from 'node:path';
import {
  type AdaptReport,
  adaptTable,
  serializeAdaptation,
  sha256,
  type TextPair,
  tracePairs,
} from '../embed/adapt.js';
import type { CtStaticEmbedder } from '../embed/ct-static.js';
import { loadEmbedder } from '../embed/embedder.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';
import { readManyFiles, writeFileAtomic } from '../util/fs.js';
import { ADAPTATION_FILE, type IndexState, indexDir } from './state.js';

/**
 * Trace files read for the pairs: a pass of the fine-tune uses at most 60 x 256 of them, and each
 * trace gives one to three, so a larger store is sampled (evenly over its sorted paths).
 */
const MAX_FILES = 20_000;

export interface IndexAdaptation {
  embedder: CtStaticEmbedder;
  state: NonNullable<IndexState['adaptation']>;
  report: AdaptReport;
}

/**
 * Adapts the default table to the traces of a full build (`files`, relative to the store) and
 * writes the adapted rows beside the index; undefined when the store is too small to learn from.
 */
export async function adaptIndexTable(
  store: Store,
  model: string,
  files: readonly string[],
  log?: (message: string) => void,
): Promise<IndexAdaptation | undefined> {
  const step = Math.max(1, files.length / MAX_FILES);
  const sample: string[] = [];
  for (let i = 0; i < files.length && sample.length < MAX_FILES; i += step) sample.push(files[Math.floor(i)] as string);
  const texts = await readManyFiles(sample.map((file) => path.join(store.root, file)));
  const byTrace: { id: string; pairs: TextPair[] }[] = [];
  texts.forEach((bytes, i) => {
    if (!bytes) return;
    const { trace } = parseTrace(bytes.toString('utf8'), sample[i] as string);
    if (trace) byTrace.push({ id: trace.id, pairs: tracePairs(trace) });
  });
  // In id order, so the same traces give the same table wherever the store is checked out.
  byTrace.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const base = (await loadEmbedder(model)) as CtStaticEmbedder;
  const adapted = adaptTable(
    base,
    byTrace.flatMap((t) => t.pairs),
  );
  if (!adapted) return undefined;
  const bytes = serializeAdaptation(adapted.adaptation);
  const hash = sha256(bytes);
  const file = `adapt-${hash.slice(0, 16)}.bin`;
  await writeFileAtomic(path.join(indexDir(store.root), file), bytes);
  const { report } = adapted;
  log?.(
    `Adapted the embedding to "${store.name}": ${report.pairs} pairs of its traces, ${report.steps} steps, ` +
      `${report.rows} rows (${(report.ms / 1000).toFixed(1)} s)`,
  );
  return {
    embedder: base.withAdaptation(adapted.adaptation),
    state: { file, sha256: hash, pairs: report.pairs, steps: report.steps, rows: report.rows },
    report,
  };
}

/** Adaptation files of earlier builds, but those `keep` names (the new one, and the one a reader may still use). */
export async function removeOldAdaptations(root: string, keep: readonly (string | undefined)[]): Promise<void> {
  const names = await fs.readdir(indexDir(root)).catch(() => [] as string[]);
  for (const name of names)
    if (ADAPTATION_FILE.test(name) && !keep.includes(name))
      await fs.rm(path.join(indexDir(root), name), { force: true });
}
