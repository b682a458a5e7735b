import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';
import {
  type Data,
  makeData,
  RecordBatch,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { rowSchemaOf, type TraceRow } from './table.js';

/**
 * The shipped index's rows travel as Arrow IPC files of this many rows, sorted by trace id. Ids
 * are ULIDs (ordered by creation), so a new export mostly appends a chunk and the earlier chunks
 * keep their git blob ids: fetching the next index transfers only what changed.
 */
export const PACK_CHUNK_ROWS = 5_000;

/**
 * One chunk of index rows as an Arrow IPC file. Deterministic: the same rows (same store commit,
 * model and index format) give the same bytes on any machine, so anyone can rebuild a shipped
 * index and compare it with the published one.
 */
export function encodePackChunk(rows: readonly TraceRow[], dim: number): Buffer {
  const schema = rowSchemaOf(arrow, dim);
  const children = schema.fields.map(
    (field) =>
      vectorFromArray(
        rows.map((row) =>
          field.name === 'vector' ? Array.from(row.vector) : (row as unknown as Record<string, unknown>)[field.name],
        ),
        field.type,
      ).data[0],
  );
  const struct = new Struct(schema.fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: struct, length: rows.length, nullCount: 0, children } as never) as unknown as Data<Struct>,
  );
  return Buffer.from(tableToIPC(new Table(schema, [batch]), 'file'));
}

/** The rows of a chunk; throws when the bytes are not an Arrow file with the index's columns. */
export function decodePackChunk(bytes: Uint8Array, dim: number): TraceRow[] {
  const table = tableFromIPC(bytes);
  const expected = rowSchemaOf(arrow, dim).fields.map((f) => `${f.name}:${f.type}`);
  const actual = table.schema.fields.map((f) => `${f.name}:${f.type}`);
  if (expected.join(',') !== actual.join(','))
    throw new Error(`its columns are ${actual.join(', ')}; expected ${expected.join(', ')}`);
  const out: TraceRow[] = [];
  for (const row of table) {
    if (!row) continue;
    const value = row.toJSON() as Record<string, unknown>;
    out.push({
      ...(value as unknown as TraceRow),
      tags: [...(value.tags as Iterable<string>)],
      vector: Float32Array.from(value.vector as Iterable<number>),
    });
  }
  return out;
}

// LanceDB (a CommonJS build) only takes Arrow tables made by the CommonJS build of apache-arrow:
// an ESM-built table fails its schema check. Read through that build, a chunk goes to table.add()
// as Arrow, 3x faster than as row objects (measured: 0.6 s against 1.9 s per 5,000 rows).
// In the esbuild bundle (dist/ct.cjs) apache-arrow is that CommonJS build already, bundled with
// LanceDB's JavaScript: a require() from here would load a second copy that LanceDB rejects.
const arrowCjs = import.meta.url.endsWith('.cjs')
  ? arrow
  : (createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow'));

/**
 * A chunk as an Arrow table LanceDB can add as it is, with the columns a client verifies (trace
 * id, path, blob id) read out; throws when the bytes are not an Arrow file with the index's columns.
 */
export function readPackChunk(
  bytes: Uint8Array,
  dim: number,
): { table: unknown; rows: { id: string; path: string; blob: string }[] } {
  const table = arrowCjs.tableFromIPC(bytes);
  const expected = rowSchemaOf(arrow, dim).fields.map((f) => `${f.name}:${f.type}`);
  const actual = table.schema.fields.map((f) => `${f.name}:${f.type}`);
  if (expected.join(',') !== actual.join(','))
    throw new Error(`its columns are ${actual.join(', ')}; expected ${expected.join(', ')}`);
  const [ids, paths, blobs] = ['id', 'path', 'blob'].map((name) => table.getChild(name));
  const rows: { id: string; path: string; blob: string }[] = [];
  for (let i = 0; i < table.numRows; i++)
    rows.push({ id: String(ids?.get(i)), path: String(paths?.get(i)), blob: String(blobs?.get(i)) });
  return { table, rows };
}

/** sha256 over "trace id, space, blob id, newline" for rows in id order: what an index was built from. */
export function rowsDigest(pairs: Iterable<{ id: string; blob: string }>): string {
  const hash = createHash('sha256');
  for (const { id, blob } of pairs) hash.update(`${id} ${blob}\n`);
  return hash.digest('hex');
}

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
