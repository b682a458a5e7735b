import os from 'node:os';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { indexDir } from './state.js';

// LanceDB's native layer logs warnings ("no existing dataset, it will be created") to stderr;
// ct's stderr is for people, so only errors get through.
process.env.LANCEDB_LOG ??= 'error';
// With as many worker threads as cores, building a full-text index of ~50,000 rows deadlocks on a
// 2-core machine (measured: hangs at 50k and 60k rows, fine at 40k; lance-format/lance#7350).
// One thread more than the cores avoids it. Must be set before LanceDB is loaded.
process.env.LANCE_CPU_THREADS ??= String(os.cpus().length + 1);

/** One indexed trace: its identity and file, what is shown in results, and what is searched. */
export interface TraceRow {
  id: string;
  path: string;
  blob: string;
  title: string;
  tags: string[];
  created: string;
  status: string;
  applies_to: string;
  review_after: string;
  context: string;
  solution: string;
  body: string;
  chars: number;
  fts: string;
  vector: number[] | Float32Array;
}

/**
 * Full-text index settings, spelled out so a LanceDB upgrade cannot change them silently: these
 * are the 0.31 defaults (English stemming and stop words), measured best on CoSQA.
 */
export const FTS_OPTIONS = {
  baseTokenizer: 'simple',
  language: 'English',
  lowercase: true,
  stem: true,
  removeStopWords: true,
  asciiFolding: true,
  maxTokenLength: 40,
  withPosition: false,
} as const;

export const ROW_COLUMNS = [
  'id',
  'path',
  'blob',
  'title',
  'tags',
  'created',
  'status',
  'applies_to',
  'review_after',
  'context',
  'solution',
  'body',
  'chars',
] as const;

/** The table's Arrow schema (apache-arrow is loaded here, only when a table is created). */
export async function rowSchema(dim: number): Promise<Schema> {
  return rowSchemaOf(await import('apache-arrow'), dim);
}

/** The schema from an apache-arrow module a caller already loaded. */
export function rowSchemaOf(arrow: typeof import('apache-arrow'), dim: number): Schema {
  const { Field, FixedSizeList, Float32, Int32, List, Schema, Utf8 } = arrow;
  const utf8 = (name: string) => new Field(name, new Utf8(), false);
  return new Schema([
    utf8('id'),
    utf8('path'),
    utf8('blob'),
    utf8('title'),
    new Field('tags', new List(new Field('item', new Utf8(), true)), false),
    utf8('created'),
    utf8('status'),
    utf8('applies_to'),
    utf8('review_after'),
    utf8('context'),
    utf8('solution'),
    utf8('body'),
    new Field('chars', new Int32(), false),
    utf8('fts'),
    new Field('vector', new FixedSizeList(dim, new Field('item', new Float32(), true)), false),
  ]);
}

/** One connection per index folder for the life of the process (see connectIndex). */
const connections = new Map<string, Promise<Connection>>();

/**
 * The LanceDB connection of a store's index, opened once per process and shared by every reader
 * and writer of it. A long-running server (`ct mcp`, `ct serve`) searches many times a second:
 * a connection per search kept its own caches and native buffers until the garbage collector
 * noticed the small JS wrapper, and measured 2-3x the resident memory under 50 concurrent
 * clients. Table names are listed and tables opened anew on each use, so a rebuild that switches
 * tables is seen at once.
 */
export function connectIndex(root: string): Promise<Connection> {
  const dir = indexDir(root);
  let connection = connections.get(dir);
  if (!connection) {
    connection = import('@lancedb/lancedb').then((lancedb) => lancedb.connect(dir));
    connections.set(dir, connection);
    connection.catch(() => connections.delete(dir));
  }
  return connection;
}

export async function openTable(db: Connection, name: string): Promise<Table | undefined> {
  return (await db.tableNames()).includes(name) ? db.openTable(name) : undefined;
}
