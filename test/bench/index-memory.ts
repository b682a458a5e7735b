import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { log } from './timing.js';
import { buildTldrStore } from './tldr-store.js';

const WORKER = fileURLToPath(new URL('./index-memory-worker.js', import.meta.url));

/**
 * Memory of a full `ct index` build, phase by phase (streaming the rows, then LanceDB's index
 * builds and the trust signals), with its throughput: stores of tldr pages of
 * CT_BENCH_MEMORY_SIZES traces (default 10000; 1000000 takes ~4 minutes to write and ~8 to index),
 * or existing checkouts in CT_BENCH_STORES (their index is rebuilt with --full, embedding every
 * trace again only when it has no index). The target: <= 1 GB peak RSS at 1,000,000 traces.
 */
export async function benchIndexMemory(): Promise<Record<string, unknown>> {
  const sizes = (process.env.CT_BENCH_MEMORY_SIZES ?? (process.env.CT_BENCH_STORES ? '' : '10000'))
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const out: Record<string, unknown> = {};
  const roots: string[] = (process.env.CT_BENCH_STORES ?? '').split(',').filter(Boolean);
  if (sizes.length > 0) {
    const missing = missingData(path.join('tldr', 'corpus.jsonl'));
    if (missing) return { skipped: missing };
    const pages = loadTldrCorpus();
    const parent = tempDir('ct-bench-memory-');
    for (const size of sizes) {
      log(`index-memory: writing a ${size}-trace store`);
      roots.push((await buildTldrStore(parent, `memory-${size}`, pages, size)).root);
    }
  }
  for (const root of roots) {
    log(`index-memory: a full build of ${root}`);
    const run = spawnSync(process.execPath, ['--expose-gc', WORKER, root], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`index-memory worker failed on ${root}: ${run.stderr}`);
    out[root] = JSON.parse(run.stdout.trim().split('\n').pop() as string);
  }
  return {
    note:
      'peak_rss_total_mb: the largest sum of the resident memory of the process that asked for the build and of its ' +
      'build process (sampled every 2 s); peak_rss_mb: the asking process alone (getrusage); ' +
      'build_process.peak_rss_mb: the build process alone (getrusage), when the build ran in one',
    ...out,
  };
}
