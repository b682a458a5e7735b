import path from 'node:path';
import type { Connection, Table } from '@lancedb/lancedb';
import { type Embedder, loadEmbedder } from '../embed/embedder.js';
import { headCommit } from '../git/repo.js';
import { tryGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';
import { pathExists, readManyFiles } from '../util/fs.js';
import { releaseHeap } from '../util/heap.js';
import { ownString } from '../util/own-string.js';
import { adaptIndexTable, removeOldAdaptations } from './adapt-index.js';
import { listTraceBlobs } from './blobs.js';
import { embeddingText, toTraceRow } from './document.js';
import { describesCheckout, readDirtyState } from './fresh.js';
import { withLanceScratch } from './lance-scratch.js';
import { withIndexLock } from './lock.js';
import { modelFor, wantsAdaptation } from './model.js';
import type { IndexReport, UpdateIndexOptions } from './report.js';
import { hasSignals, writeSignals } from './signals.js';
import {
  adaptationRef,
  INDEX_SCHEMA_VERSION,
  type IndexState,
  indexDir,
  readIndexState,
  writeIndexState,
} from './state.js';
import { connectIndex, ensureFtsIndexes, openTable, rowSchema, type TraceRow } from './table.js';

export type { IndexProgress, IndexReport, UpdateIndexOptions } from './report.js';

const EMBED_BATCH = 64;
const WRITE_SLICE = 5000;

/**
 * Brings the index of a store up to date with its checkout (committed and uncommitted traces):
 * only new or changed blobs are parsed and embedded, removed traces are deleted, and the upsert
 * and the deletes land in one LanceDB commit, so readers see the old or the new index, never a
 * mix. A full rebuild writes a new table and switches the state file to it atomically. The diff
 * is taken against the table itself, not the state file, so a run killed half-way is repaired by
 * the next one. Writers are serialised by a lock.
 */
export async function updateIndex(store: Store, options: UpdateIndexOptions = {}): Promise<IndexReport> {
  if (await needsFullBuild(store, options)) {
    const child = await import('./build-process.js');
    if (await child.wantsBuildProcess(store)) return child.updateIndexInProcess(store, options);
  }
  return withIndexLock(store.root, () => update(store, options), { ...(options.log ? { log: options.log } : {}) });
}

/**
 * Whether the next update will be a full build, as `update` decides it from the state file alone
 * (an unreadable table is found only by opening it, and is then rebuilt in this process).
 */
async function needsFullBuild(store: Store, options: UpdateIndexOptions): Promise<boolean> {
  if (options.full) return true;
  const state = await readIndexState(store.root);
  return (
    !state ||
    state.schema_version !== INDEX_SCHEMA_VERSION ||
    state.model !== modelFor(store, options.model) ||
    (await adaptationChange(store, state, options)) !== undefined ||
    !(await pathExists(path.join(indexDir(store.root), `${state.table}.lance`)))
  );
}

/**
 * Why the index must be rebuilt for its adaptation to the store (src/embed/adapt.ts), if it must:
 * adapted when adaptation is now off (ct.yml, an export), turned on since the last full build, or
 * its adapted rows gone from the index folder.
 */
async function adaptationChange(
  store: Store,
  state: IndexState,
  options: UpdateIndexOptions,
): Promise<string | undefined> {
  const wanted = wantsAdaptation(store, state.model, options.adapt);
  if (state.adaptation === undefined)
    return wanted && state.adapt !== true ? 'the embedding is now adapted to the store' : undefined;
  if (!wanted) return 'the embedding is no longer adapted to the store';
  if (!(await pathExists(path.join(indexDir(store.root), state.adaptation.file))))
    return 'its adapted embedding table is missing';
  return undefined;
}

async function update(store: Store, options: UpdateIndexOptions): Promise<IndexReport> {
  const started = performance.now();
  const model = modelFor(store, options.model);
  const state = await readIndexState(store.root);
  // HEAD and what is uncommitted as the update begins, recorded as what the index describes: a
  // commit or an edit made while it runs leaves the index stale at the next check, not taken as indexed.
  const begun = await readDirtyState(store.root);
  const dirty = begun?.dirty;
  // Nothing changed (HEAD as indexed, the same uncommitted files): answered before LanceDB is even
  // loaded (its import is most of a no-change run), with no listing and no table scan.
  if (
    !options.full &&
    state &&
    state.model === model &&
    state.schema_version === INDEX_SCHEMA_VERSION &&
    (await adaptationChange(store, state, options)) === undefined &&
    (await pathExists(path.join(indexDir(store.root), `${state.table}.lance`))) &&
    describesCheckout(state, begun) &&
    (await hasSignals(store.root))
  )
    return unchanged(state, started);
  const headAtStart = async () =>
    begun?.head && /^[0-9a-f]{40,64}$/.test(begun.head) ? begun.head : await headCommit(store.root);
  const db = await connectIndex(store.root);
  if (state) await dropAbandonedTables(db, state.table, options.log);
  let table = state ? await openTable(db, state.table).catch(() => undefined) : undefined;
  let reason: string | undefined;
  if (options.full) reason = 'full rebuild requested';
  else if (!state) reason = 'no index yet';
  else if (state.schema_version !== INDEX_SCHEMA_VERSION)
    reason = `index format changed (${state.schema_version} -> ${INDEX_SCHEMA_VERSION})`;
  else if (state.model !== model) reason = `embedding model changed (${state.model} -> ${model})`;
  else reason = await adaptationChange(store, state, options);
  if (!reason && state && !table) reason = `index table ${state.table} is missing`;
  if (reason && state && !options.full) options.log?.(`Rebuilding the index of "${store.name}": ${reason}`);
  const full = reason !== undefined;

  // Only votes or flags changed: the traces/ tree is the one indexed, so no trace needs a look.
  const tracesTree = await treeOf(store.root, 'traces');
  if (
    !full &&
    state &&
    state.traces_tree &&
    tracesTree === state.traces_tree &&
    (await cleanUnder(store.root, 'traces/'))
  ) {
    await writeSignals(store);
    const { dirty: _before, ...rest } = state;
    await writeIndexState(store.root, {
      ...rest,
      commit: await headAtStart(),
      ...(dirty ? { dirty } : {}),
      built_at: new Date().toISOString(),
    });
    return unchanged(state, started);
  }

  const { blobs, uncommitted } = await listTraceBlobs(store.root);
  options.onProgress?.({ phase: 'scan', done: blobs.size, total: blobs.size });
  const indexed = new Map<string, { id: string; blob: string }>();
  if (!full && table) {
    try {
      for (const row of (await table.query().select(['id', 'path', 'blob']).toArray()) as {
        id: string;
        path: string;
        blob: string;
      }[])
        indexed.set(row.path, { id: row.id, blob: row.blob });
    } catch (e) {
      options.log?.(
        `The index of "${store.name}" is unreadable (${(e as Error).message.split('\n')[0]}): rebuilding it`,
      );
      return update(store, { ...options, full: true });
    }
  }

  // Committed files first: when two files claim one id, the committed one keeps it.
  const changed = [...blobs]
    .filter(([file, blob]) => indexed.get(file)?.blob !== blob)
    .map(([file]) => file)
    .sort((a, b) => Number(uncommitted.has(a)) - Number(uncommitted.has(b)) || a.localeCompare(b));
  // Skips of files that did not change still stand (no set of the changed files: 1,000,000 of them in a full build).
  const skipped: { file: string; reason: string }[] = (state?.skipped ?? []).filter(
    (s) => blobs.has(s.file) && indexed.get(s.file)?.blob === blobs.get(s.file),
  );
  const keptIds = new Map<string, string>();
  for (const [file, entry] of indexed) if (blobs.get(file) === entry.blob) keptIds.set(entry.id, file);
  /** id -> file of every row written or to be written in this run. */
  const upserts = new Map<string, string>();

  // Vectors are a function of the blob (and model and index format): a renamed file, a reverted
  // edit or a --full rebuild reuses them instead of embedding the same content again.
  // A full build of the default model first adapts its table to the store (src/embed/adapt.ts);
  // an update embeds with the adaptation the index was built with.
  const adapt = full ? wantsAdaptation(store, model, options.adapt) : state?.adapt === true;
  const adapted = full && adapt ? await adaptIndexTable(store, model, changed, options.log) : undefined;
  const adaptation = full ? adapted?.state : state?.adaptation;
  const cacheFrom =
    table &&
    state &&
    state.model === model &&
    state.schema_version === INDEX_SCHEMA_VERSION &&
    state.adaptation?.sha256 === adaptation?.sha256
      ? table
      : undefined;
  const loadIndexEmbedder = () => loadEmbedder(model, adaptationRef(store.root, { adaptation }));
  let embedder = full ? (adapted?.embedder ?? (await loadIndexEmbedder())) : undefined;
  let tableName = state?.table ?? 'traces';
  // A full build streams: each slice of files is read, parsed, embedded and written to the new
  // table (invisible to readers until the state file names it) before the next one is read, so
  // memory holds one slice, not the store. An update collects its rows for one atomic merge.
  const target = full
    ? await db.createEmptyTable(
        (tableName = `traces-${Date.now().toString(36)}`),
        await rowSchema(embedder?.dim ?? 0),
        {
          mode: 'overwrite',
        },
      )
    : undefined;
  const pending: TraceRow[] = [];
  let embeddedCount = 0;
  let written = 0;
  for (let start = 0; start < changed.length; start += WRITE_SLICE) {
    const rows = await processSlice(changed.slice(start, start + WRITE_SLICE));
    written += rows.length;
    if (target) {
      if (rows.length > 0) await target.add(rows as unknown as Record<string, unknown>[]);
    } else pending.push(...rows);
    options.onProgress?.({
      phase: 'embed',
      done: Math.min(start + WRITE_SLICE, changed.length),
      total: changed.length,
    });
  }

  async function processSlice(files: string[]): Promise<TraceRow[]> {
    // Parsing and the duplicate-id decisions stay in order.
    const texts = (await readManyFiles(files.map((file) => path.join(store.root, file)))).map((bytes) =>
      bytes?.toString('utf8'),
    );
    const parsed: { blob: string; row: Omit<TraceRow, 'vector'>; text: string }[] = [];
    files.forEach((file, i) => {
      const text = texts[i];
      if (text === undefined) return;
      const { trace, problems } = parseTrace(text, file);
      if (!trace) {
        const first = problems.find((p) => p.severity === 'error');
        skipped.push({ file, reason: `${first?.rule ?? 'invalid'}: ${first?.message ?? 'not a valid trace'}` });
        return;
      }
      const clash = keptIds.get(trace.id) ?? upserts.get(trace.id);
      if (clash) {
        skipped.push({ file, reason: `store/duplicate-id: id ${trace.id} is also used by ${clash}` });
        return;
      }
      upserts.set(ownString(trace.id), file);
      const blob = blobs.get(file) as string;
      parsed.push({
        blob,
        text: embeddingText(trace),
        row: toTraceRow(trace, { path: file, blob, chars: text.length }),
      });
    });
    const cached = cacheFrom
      ? await vectorsByBlob(
          cacheFrom,
          parsed.map((p) => p.blob),
        )
      : new Map<string, Float32Array>();
    const toEmbed = parsed.filter((p) => !cached.has(p.blob));
    if (toEmbed.length > 0) embedder ??= await loadIndexEmbedder();
    for (let i = 0; i < toEmbed.length; i += EMBED_BATCH) {
      const batch = toEmbed.slice(i, i + EMBED_BATCH);
      const vectors = await (embedder as Embedder).embed(batch.map((p) => p.text));
      batch.forEach((p, j) => cached.set(p.blob, vectors[j] as Float32Array));
    }
    embeddedCount += toEmbed.length;
    return parsed.map((p) => ({ ...p.row, vector: cached.get(p.blob) as Float32Array }));
  }
  for (const s of skipped) options.log?.(`warning: skipped ${s.file}: ${s.reason}`);

  // Ids whose file is gone, or whose file no longer holds a valid trace with that id.
  const removed = [...new Set([...indexed.values()].map((e) => e.id))].filter(
    (id) => !keptIds.has(id) && !upserts.has(id),
  );
  options.onProgress?.({ phase: 'write', done: 0, total: pending.length + removed.length });
  const dim = embedder?.dim ?? state?.dim ?? 0;
  const reused = written - embeddedCount;
  // The listing and the id maps are done with. They live in this function's scope (the slices'
  // closure holds them) until it returns, i.e. through LanceDB's index builds and the trust
  // signals: ~360 MB of heap at 1,000,000 traces. Emptied here, so those phases have the room.
  for (const done of [blobs, indexed, keptIds, upserts]) done.clear();
  changed.length = 0;
  embedder = undefined;
  releaseHeap();
  if (target) {
    table = target;
    if (written > WRITE_SLICE) await table.optimize({ cleanupOlderThan: new Date() });
    options.onProgress?.({ phase: 'text-index', done: 0, total: 1 });
    await ensureFtsIndexes(table);
  } else if (table && (pending.length > 0 || removed.length > 0)) {
    const where =
      removed.length > 0 ? `id IN (${removed.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})` : undefined;
    if (pending.length > 0) {
      let merge = table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll();
      if (where) merge = merge.whenNotMatchedBySourceDelete({ where });
      await merge.execute(pending as unknown as Record<string, unknown>[]);
    } else if (where) await table.delete(where);
    options.onProgress?.({ phase: 'optimize', done: 0, total: 1 });
    // LanceDB adds a version per write: compact, fold new rows into the indexes, drop old versions
    // (a minute's grace for readers that opened one).
    await table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
    await ensureFtsIndexes(table);
  }

  options.onProgress?.({ phase: 'vector-index', done: 0, total: 1 });
  const ann = table ? await ensureVectorIndex(table, options.log) : false;
  const head = await headAtStart();
  const total = table ? await table.countRows() : 0;
  const next: IndexState = {
    schema_version: INDEX_SCHEMA_VERSION,
    model,
    dim,
    table: tableName,
    commit: head,
    // The tree only describes the index when nothing under traces/ was uncommitted.
    ...(tracesTree && uncommitted.size === 0 ? { traces_tree: tracesTree } : {}),
    ...(dirty ? { dirty } : {}),
    traces: total,
    skipped,
    ann,
    built_at: new Date().toISOString(),
    // An update on top of a shipped index keeps saying so: its rows still came from the pack.
    source: full ? { type: 'local' } : (state?.source ?? { type: 'local' }),
    ...(adapt ? { adapt } : {}),
    ...(adaptation ? { adaptation } : {}),
  };
  options.onProgress?.({ phase: 'signals', done: 0, total: 1 });
  releaseHeap();
  await writeSignals(store);
  await writeIndexState(store.root, next);
  if (full) {
    await dropOldTables(db, [tableName, state?.table]);
    await removeOldAdaptations(store.root, [adaptation?.file, state?.adaptation?.file]);
  }
  return {
    full,
    reason,
    model,
    traces: total,
    embedded: embeddedCount,
    reused,
    removed: removed.length,
    skipped,
    ms: Math.round(performance.now() - started),
    ...(adapted ? { adaptation: adapted.report } : {}),
  };
}

function unchanged(state: IndexState, started: number): IndexReport {
  return {
    full: false,
    reason: undefined,
    model: state.model,
    traces: state.traces,
    embedded: 0,
    reused: 0,
    removed: 0,
    skipped: state.skipped,
    ms: Math.round(performance.now() - started),
  };
}

/** The tree id of `dir` at HEAD (undefined without a commit or without the folder). */
async function treeOf(root: string, dir: string): Promise<string | undefined> {
  return (await tryGit(root, ['rev-parse', '--verify', '--quiet', `HEAD:${dir}`]))?.trim() || undefined;
}

async function cleanUnder(root: string, dir: string): Promise<boolean> {
  const out = await tryGit(root, ['status', '--porcelain', '--untracked-files=all', '--', dir]);
  return out !== undefined && out.trim() === '';
}

/**
 * After a full rebuild, every table but the new one and the one it replaced: a reader that read
 * the state file just before the switch opens the replaced table, which must still be there (it
 * goes at the next full rebuild). Dropping it at once made one search in ~150 during a rebuild
 * answer "no traces match".
 */
async function dropOldTables(db: Connection, keep: readonly (string | undefined)[]): Promise<void> {
  for (const name of await db.tableNames())
    if (!keep.includes(name) && name.startsWith('traces')) await db.dropTable(name).catch(() => undefined);
}

/** When a table of the index folder was created, from its name (`traces-<base 36 ms>`, `traces-shipped-<...>`). */
const tableBorn = (name: string): number | undefined => {
  const match = /^traces-(?:shipped-)?([0-9a-z]+)$/.exec(name);
  return match ? Number.parseInt(match[1] as string, 36) : undefined;
};

/**
 * Tables that a full build or a shipped-index install created after the current one and never
 * switched to: it was killed, and the state file still names the table before. Nobody reads them
 * (readers open the table the state file names) and, under the index lock, nobody writes them;
 * each can be as large as the whole index, so they go at the next update, not at the next full
 * build. Older tables stay: the one a full build replaced may still be open in a reader.
 */
async function dropAbandonedTables(db: Connection, current: string, log?: (m: string) => void): Promise<void> {
  const since = tableBorn(current);
  if (since === undefined) return;
  for (const name of await db.tableNames()) {
    const born = tableBorn(name);
    if (name === current || born === undefined || born <= since) continue;
    await db.dropTable(name).then(
      () => log?.(`Removed ${name}, the table of an index build that did not finish`),
      () => undefined,
    );
  }
}

async function vectorsByBlob(table: Table, blobs: readonly string[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (let i = 0; i < blobs.length; i += 500) {
    const chunk = blobs.slice(i, i + 500);
    if (chunk.length === 0) continue;
    const rows = (await table
      .query()
      .where(`blob IN (${chunk.map((b) => `'${b}'`).join(', ')})`)
      .select(['blob', 'vector'])
      .toArray()
      .catch(() => [])) as { blob: string; vector: ArrayLike<number> }[];
    for (const row of rows) out.set(row.blob, Float32Array.from(row.vector));
  }
  return out;
}

/**
 * Brute-force vector search costs ~17 ms per 10,000 rows here (test/bench/search-scale.ts): past
 * ~10,000 traces it becomes the slow half of a query. From there an IVF_PQ index is built, and
 * queries re-rank its candidates with the full vectors (refine factor 10: 0.94-0.99 agreement
 * with the exact top 10, 12-17 ms at 10k-100k rows). HNSW_SQ was as fast but used 1.5 GB at
 * 100k rows. Later updates fold new rows into the index through optimize().
 */
export const annThreshold = (): number => Number(process.env.CT_ANN_THRESHOLD ?? 10_000);

export async function ensureVectorIndex(table: Table, log?: (m: string) => void): Promise<boolean> {
  if ((await table.countRows()) < annThreshold()) return false;
  if ((await table.listIndices()).some((i) => i.columns.includes('vector'))) return true;
  log?.(`Building an approximate vector index (${annThreshold()}+ traces)...`);
  const lancedb = await import('@lancedb/lancedb');
  await withLanceScratch(() =>
    table.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: 'cosine' }), replace: true }),
  );
  return true;
}
