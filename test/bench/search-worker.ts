/**
 * A fresh process that runs searchStores over one store's built index, query after query, and
 * prints its latency and memory as JSON. search-scale.ts spawns it so each measurement has its
 * own heap and its own peak RSS, not the one left by building the index.
 *
 *   node dist/test/bench/search-worker.js <store root> <queries.json> <auto|index-only>
 */
import fs from 'node:fs';
import { searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { summarizeLatencies, timeAsync, withRssSampling } from './timing.js';

const WARMUP = 10;

const [root, queriesFile, mode] = process.argv.slice(2);
if (!root || !queriesFile || (mode !== 'auto' && mode !== 'index-only')) {
  process.stderr.write('usage: search-worker <store root> <queries.json> <auto|index-only>\n');
  process.exit(2);
}
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8')) as string[];
// auto: as `ct search` and the MCP tool call it, checking the index is fresh before each query.
const context = { autoUpdate: mode === 'auto', cwd: root };
const store = await openStore(root, 'flag');
const first = await timeAsync(() => searchStores([store], { query: queries[0] as string, limit: 10 }, context));
for (const q of queries.slice(0, WARMUP)) await searchStores([store], { query: q, limit: 10 }, context);
const sampled = await withRssSampling(async () => {
  const ms: number[] = [];
  let withResults = 0;
  for (const query of queries) {
    const started = performance.now();
    const response = await searchStores([store], { query, limit: 10 }, context);
    ms.push(performance.now() - started);
    if (response.results.length > 0) withResults++;
  }
  return { ms, withResults };
});
process.stdout.write(
  `${JSON.stringify({
    mode,
    traces: first.value.stores[0]?.traces,
    first_query_ms: Math.round(first.ms),
    latency: summarizeLatencies(sampled.value.ms),
    queries_with_results: sampled.value.withResults,
    peak_rss_mb: sampled.peak_rss_mb,
    process_max_rss_mb: sampled.process_max_rss_mb,
  })}\n`,
);
