import fs from 'node:fs/promises';
import path from 'node:path';
import type { Table } from '@lancedb/lancedb';
import { DEFAULT_MODEL, type Embedder } from '../../src/embed/embedder.js';
import { embeddingText, toTraceRow } from '../../src/index/document.js';
import { INDEX_SCHEMA_VERSION, type IndexState, writeIndexState } from '../../src/index/state.js';
import { connectIndex, ensureFtsIndexes, rowSchema, type TraceRow } from '../../src/index/table.js';
import type { Trace } from '../../src/trace/schema.js';

/** The table name createTraceTable writes by default. */
export const BENCH_TABLE = 'traces-bench';

/** What a table row is made from: the parts of a trace the index reads. */
export type IndexedTrace = Pick<Trace, 'id' | 'path' | 'title' | 'tags' | 'created' | 'status' | 'sections' | 'body'> &
  Partial<Pick<Trace, 'applies_to' | 'review_after'>>;

/** Table rows for traces, built as src/index/build.ts builds them (blob left empty: no git here). */
export async function traceRows(
  traces: readonly IndexedTrace[],
  embedder: Embedder,
  chars: (t: IndexedTrace, i: number) => number = (t) => t.body.length,
): Promise<TraceRow[]> {
  const vectors = await embedder.embed(traces.map((t) => embeddingText(t)));
  return traces.map((t, i) => ({
    ...toTraceRow(t, { path: t.path, blob: '', chars: chars(t, i) }),
    vector: vectors[i] as Float32Array,
  }));
}

/**
 * A LanceDB table in `<root>/.ct/index` with the product's schema and FTS index, filled batch by
 * batch (so 100k rows never sit in memory at once), plus the state file and a ct.yml, so that
 * `openStore(root)` and `searchStores(store, q, { autoUpdate: false })` search it as they would a
 * real store's index. No ANN index: the product builds none.
 */
export async function createTraceTable(
  root: string,
  batches: AsyncIterable<TraceRow[]> | Iterable<Promise<TraceRow[]>>,
  dim: number,
  name = BENCH_TABLE,
  model = DEFAULT_MODEL,
  extraState: Pick<IndexState, 'adaptation'> = {},
): Promise<Table> {
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(
    path.join(root, 'ct.yml'),
    `name: ${path
      .basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '-')}\nschema_version: 1\n`,
  );
  const db = await connectIndex(root);
  let table: Table | undefined;
  let rows = 0;
  let batchCount = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const data = batch as unknown as Record<string, unknown>[];
    if (!table) table = await db.createTable(name, data, { schema: await rowSchema(dim), mode: 'overwrite' });
    else await table.add(data);
    rows += batch.length;
    batchCount++;
  }
  if (!table) throw new Error('createTraceTable: no rows');
  // Each add is a new fragment; a full build writes the table in one go, so compact to match.
  if (batchCount > 1) await table.optimize({ cleanupOlderThan: new Date() });
  await ensureFtsIndexes(table);
  await writeIndexState(root, {
    schema_version: INDEX_SCHEMA_VERSION,
    model,
    dim,
    table: name,
    commit: null,
    traces: rows,
    skipped: [],
    ann: false,
    built_at: new Date().toISOString(),
    ...extraState,
  });
  return table;
}
