import type { Connection, Table } from '@lancedb/lancedb';
import { modelContentHash } from '../embed/model-hash.js';
import { CtError, ExitCode } from '../errors.js';
import type { Store } from '../store/store.js';
import { ensureVectorIndex } from './build.js';
import { readRowsByIds, requireCommittedIndex, sortedRowIds } from './export-rows.js';
import { configuredModel, modelFor } from './model.js';
import { PACK_CHUNK_ROWS } from './pack.js';
import { INDEX_SCHEMA_VERSION, type IndexState } from './state.js';
import { ensureFtsIndexes, rowSchema } from './table.js';

/** The table that names the current index table of a remote dataset: one row, overwritten atomically per export. */
const META_TABLE = 'ct_meta';

interface RemoteMeta {
  table: string;
  commit: string;
  model: string;
  model_sha256: string;
  schema_version: number;
  dim: number;
  rows: number;
  ann: boolean;
  exported_at: string;
  /** The table of the export before: kept for readers that read the old meta row, dropped by the next export. */
  previous: string;
}

/**
 * LanceDB's storageOptions for a store's remote index: ct.yml index.storage_options (endpoint,
 * region, allowHttp...). Credentials are not read from ct.yml: LanceDB takes them from the
 * environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, GOOGLE_SERVICE_ACCOUNT, AZURE_STORAGE_*).
 */
export function remoteStorageOptions(store: Store): Record<string, string> {
  return { ...store.config.index.storage_options };
}

async function connectRemote(uri: string, storageOptions: Record<string, string>): Promise<Connection> {
  const lancedb = await import('@lancedb/lancedb');
  return lancedb.connect(uri, { storageOptions });
}

export interface RemoteExportReport {
  uri: string;
  table: string;
  commit: string;
  rows: number;
  ms: number;
}

/**
 * `ct index --export s3://bucket/prefix`: copies the checkout's index (brought up to date with
 * HEAD first) to a LanceDB dataset on object storage, in slices, with its full-text and vector
 * indexes, as a new table; then the one-row meta table is overwritten to name it. Readers open the
 * table the meta row names, so they see the previous export or the new one, never half of one.
 */
export async function exportToObjectStorage(
  store: Store,
  uri: string,
  options: { log?: (m: string) => void } = {},
): Promise<RemoteExportReport> {
  const started = performance.now();
  const { state, table: local } = await requireCommittedIndex(store, options.log);
  const commit = state.commit as string;
  const db = await connectRemote(uri, remoteStorageOptions(store));
  const name = `traces-${commit.slice(0, 12)}-${Date.now().toString(36)}`;
  const remote = await db.createEmptyTable(name, await rowSchema(state.dim), { mode: 'overwrite' });
  const ids = local ? await sortedRowIds(local) : [];
  for (let i = 0; i < ids.length; i += PACK_CHUNK_ROWS) {
    const rows = await readRowsByIds(local as Table, ids.slice(i, i + PACK_CHUNK_ROWS));
    await remote.add(rows as unknown as Record<string, unknown>[]);
    options.log?.(`Uploaded ${Math.min(i + PACK_CHUNK_ROWS, ids.length)}/${ids.length} rows to ${uri}`);
  }
  if (ids.length > PACK_CHUNK_ROWS) await remote.optimize({ cleanupOlderThan: new Date() });
  await ensureFtsIndexes(remote);
  const ann = await ensureVectorIndex(remote, options.log);
  const meta: RemoteMeta = {
    table: name,
    commit,
    model: configuredModel(store),
    model_sha256: await modelContentHash(state.model),
    schema_version: state.schema_version,
    dim: state.dim,
    rows: ids.length,
    ann,
    exported_at: new Date().toISOString(),
    previous: '',
  };
  const before = await readMeta(db).catch(() => undefined);
  meta.previous = before?.table ?? '';
  await db.createTable(META_TABLE, [meta as unknown as Record<string, unknown>], { mode: 'overwrite' });
  // The export before the previous one is named nowhere now; the previous one stays for readers
  // that read the old meta row just before the switch.
  if (before?.previous) await db.dropTable(before.previous).catch(() => undefined);
  return { uri, table: name, commit, rows: ids.length, ms: Math.round(performance.now() - started) };
}

async function readMeta(db: Connection): Promise<RemoteMeta> {
  const meta = (await (await db.openTable(META_TABLE)).query().limit(1).toArray())[0] as RemoteMeta | undefined;
  if (!meta) throw new Error(`${META_TABLE} is empty`);
  return { ...meta };
}

const opened = new Map<string, { at: number; pending: Promise<{ table: Table; state: IndexState }> }>();
// A long-running reader (the MCP server) re-reads the meta row this often to see a new export.
const META_TTL_MS = 30_000;

/**
 * The remote index of a store (ct.yml index.remote), opened in place: no download. Its model must
 * be the store's (id and file hash), or queries would be embedded in another space.
 */
export async function openRemoteIndex(store: Store): Promise<{ table: Table; state: IndexState }> {
  const uri = store.config.index.remote as string;
  const key = `${uri}\0${JSON.stringify(remoteStorageOptions(store))}`;
  const cached = opened.get(key);
  if (cached && Date.now() - cached.at < META_TTL_MS) return cached.pending;
  const pending = openFresh(store, uri);
  opened.set(key, { at: Date.now(), pending });
  pending.catch(() => opened.delete(key));
  return pending;
}

async function openFresh(store: Store, uri: string): Promise<{ table: Table; state: IndexState }> {
  const fail = (message: string, hint: string) =>
    new CtError('remote-index-unavailable', `the remote index of "${store.name}" at ${uri}: ${message}`, {
      hint,
      exit: ExitCode.index,
    });
  const db = await connectRemote(uri, remoteStorageOptions(store));
  let meta: RemoteMeta;
  try {
    meta = await readMeta(db);
  } catch (e) {
    throw fail(
      `cannot be read (${(e as Error).message.split('\n')[0]})`,
      'check index.storage_options in ct.yml and the AWS_* credentials, or run `ct index --export <uri>` from the store',
    );
  }
  if (meta.schema_version !== INDEX_SCHEMA_VERSION)
    throw fail(
      `it has index format ${meta.schema_version}; this ct reads ${INDEX_SCHEMA_VERSION}`,
      're-export it with this ct',
    );
  const model = configuredModel(store);
  if (meta.model !== model || meta.model_sha256 !== (await modelContentHash(modelFor(store))))
    throw fail(
      `it was embedded with ${meta.model} (files ${meta.model_sha256.slice(0, 12)}); this store uses ${model} with other files`,
      're-export it with the ct version the store uses',
    );
  const table = await db.openTable(meta.table);
  return {
    table,
    state: {
      schema_version: meta.schema_version,
      model: modelFor(store),
      dim: meta.dim,
      table: meta.table,
      commit: meta.commit,
      traces: meta.rows,
      skipped: [],
      ann: meta.ann,
      built_at: meta.exported_at,
      source: { type: 'remote', uri, store_commit: meta.commit },
    },
  };
}
