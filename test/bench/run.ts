/**
 * `npm run bench [-- name ...]`: runs the benchmarks and prints one JSON object. Benchmarks are
 * never part of `npm test`; they measure speed and memory on corpora too big for tests.
 */

import { removeTempDirs } from '../helpers/temp-dir.js';
import { benchEmbedSpeed } from './embed-speed.js';
import { benchEvalFit } from './eval-fit.js';
import { benchEvalSearch } from './eval-search.js';
import { benchFederation } from './federation.js';
import { benchGuards } from './guards.js';
import { benchHostsHistoryStale } from './hosts-history-stale.js';
import { benchIndexBuild } from './index-build.js';
import { benchIndexMemory } from './index-memory.js';
import { benchMcpLatency } from './mcp-latency.js';
import { benchSearchScale } from './search-scale.js';
import { benchSecrets } from './secrets.js';
import { benchServe } from './serve.js';
import { benchSessionStart } from './session-start.js';
import { benchShippedIndex } from './shipped-index.js';
import { benchStart } from './start.js';
import { benchStartup } from './startup.js';

const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  startup: () => benchStartup(),
  mcp: () => benchMcpLatency(),
  'eval-search': () => benchEvalSearch(),
  'eval-fit': () => benchEvalFit(),
  embed: () => benchEmbedSpeed(),
  index: () => benchIndexBuild(),
  'index-memory': () => benchIndexMemory(),
  'search-scale': () => benchSearchScale(),
  'session-start': () => benchSessionStart(),
  guards: () => benchGuards(),
  secrets: () => benchSecrets(),
  federation: () => benchFederation(),
  serve: () => benchServe(),
  'hosts-history-stale': () => benchHostsHistoryStale(),
  start: () => benchStart(),
  'shipped-index': () => benchShippedIndex(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  cpus: (await import('node:os')).cpus().length,
};
try {
  for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
    process.stderr.write(`bench: ${name}...\n`);
    results[name] = await (BENCHES[name] as () => Promise<Record<string, unknown>>)();
  }
} finally {
  // Dirs made through test/helpers (projects, the S3 server's bucket dir, homes), also when a bench throws.
  await removeTempDirs();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
