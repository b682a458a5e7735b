import type { Table } from '@lancedb/lancedb';
import { CtError, ExitCode } from '../errors.js';
import { headCommit } from '../git/repo.js';
import { tryGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { type IndexReport, updateIndex } from './build.js';
import { type IndexState, readIndexState } from './state.js';
import { connectIndex, FTS_FIELDS, openTable, ROW_COLUMNS, type TraceRow } from './table.js';

/**
 * The checkout's index brought up to date with HEAD, for an export: HEAD must be committed under
 * traces/ (an exported index describes a commit, which clients check it against).
 */
export async function requireCommittedIndex(
  store: Store,
  log?: (m: string) => void,
): Promise<{ state: IndexState; table: Table | undefined; build: IndexReport }> {
  const dirty = await tryGit(store.root, ['status', '--porcelain', '--untracked-files=all', '--', 'traces/']);
  if (dirty === undefined || dirty.trim() !== '')
    throw new CtError(
      'index-export-dirty',
      `${store.root} has uncommitted changes under traces/: an exported index describes a commit`,
      {
        hint: 'commit or stash them (CI exports a clean checkout of main), then run `ct index --export` again',
        exit: ExitCode.usage,
        data: { files: (dirty ?? '').split('\n').filter(Boolean).slice(0, 20) },
      },
    );
  const head = await headCommit(store.root);
  if (!head)
    throw new CtError('index-export-no-commit', `${store.root} has no commit yet`, {
      hint: 'commit the store first',
      exit: ExitCode.git,
    });
  // Clients embed their queries with the model alone: an exported index is never adapted to the store.
  const build = await updateIndex(store, { adapt: false, ...(log ? { log } : {}) });
  const state = await readIndexState(store.root);
  if (!state || state.commit !== head)
    throw new CtError('index-export-stale', `the index of ${store.root} is not at HEAD after updating it`, {
      hint: 'run `ct index --full`, then export again',
      exit: ExitCode.index,
    });
  const table = state.traces > 0 ? await openTable(await connectIndex(store.root), state.table) : undefined;
  return { state, table, build };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Every row's trace id and blob id, in id order (small: the rows themselves are read per slice). */
export async function sortedRowIds(table: Table): Promise<{ id: string; blob: string }[]> {
  return ((await table.query().select(['id', 'blob']).toArray()) as { id: string; blob: string }[])
    .map((r) => ({ id: r.id, blob: r.blob }))
    .sort(byId);
}

/** The full rows of some ids, in id order. */
export async function readRowsByIds(table: Table, ids: readonly { id: string }[]): Promise<TraceRow[]> {
  const rows = (await table
    .query()
    .where(`id IN (${ids.map((r) => `'${r.id.replace(/'/g, "''")}'`).join(', ')})`)
    .select([...ROW_COLUMNS, ...FTS_FIELDS.map((f) => f.column), 'vector'])
    .limit(ids.length)
    .toArray()) as TraceRow[];
  // Lists come back as Arrow vectors: plain arrays, so the rows can be written anywhere again.
  return rows
    .map((row) => ({
      ...row,
      tags: [...(row.tags as Iterable<string>)],
      vector: Float32Array.from(row.vector as Iterable<number>),
    }))
    .sort(byId);
}
