/**
 * Writes a LanceDB table of `count` synthetic traces (tldr pages repeated as variants) into
 * `<root>/.ct/index`, as search-scale.ts needs for 100k traces, and prints how long it took. A
 * child process, so the parent's measurements do not inherit its LANCE_CPU_THREADS (see
 * search-scale.ts: LanceDB 0.31's FTS index build can deadlock with too few CPU threads).
 *
 *   node dist/test/bench/table-worker.js <root> <count> [folder to also write the trace files to]
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL, type Embedder, loadEmbedder } from '../../src/embed/embedder.js';
import type { TraceRow } from '../../src/index/table.js';
import { type CorpusDoc, loadTldrCorpus } from './eval-data.js';
import { timeAsync, withRssSampling } from './timing.js';
import { type GeneratedTrace, generateTldrTraces } from './tldr-traces.js';
import { createTraceTable, traceRows } from './trace-table.js';

const BATCH = 5_000;

const [root, countArg, plainDir] = process.argv.slice(2);
const count = Number(countArg);
if (!root || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: table-worker <root> <count> [plain folder]\n');
  process.exit(2);
}
const embedder = await loadEmbedder(DEFAULT_MODEL);
const built = await withRssSampling(() =>
  timeAsync(() => createTraceTable(root, rowBatches(loadTldrCorpus(), count, embedder, plainDir), embedder.dim)),
);
process.stdout.write(
  `${JSON.stringify({ rows: await built.value.value.countRows(), build_ms: Math.round(built.value.ms), peak_rss_mb: built.peak_rss_mb, process_max_rss_mb: built.process_max_rss_mb })}\n`,
);

/** Table rows in batches (embedded as the product embeds), optionally writing the trace files too. */
async function* rowBatches(
  pages: readonly CorpusDoc[],
  total: number,
  embed: Embedder,
  folder?: string,
): AsyncGenerator<TraceRow[]> {
  let batch: GeneratedTrace[] = [];
  const flush = () =>
    traceRows(
      batch.map((b) => b.trace),
      embed,
      (_, i) => (batch[i] as GeneratedTrace).text.length,
    );
  for (const t of generateTldrTraces(pages, total)) {
    if (folder) {
      const file = path.join(folder, t.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, t.text);
    }
    batch.push(t);
    if (batch.length === BATCH) {
      yield await flush();
      batch = [];
    }
  }
  if (batch.length > 0) yield await flush();
}
