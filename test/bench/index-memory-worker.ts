/**
 * One full index build of a store checkout, sampled: every 2 s the phase (from the build's
 * progress), resident memory (of this process and of the build process a large full build runs
 * in) and JS heap, then the peak RSS of each. Run by index-memory.ts in a fresh process, so the
 * peaks are the build's alone.
 *
 *   node dist/test/bench/index-memory-worker.js <store root>
 */
import fs from 'node:fs';
import { updateIndex } from '../../src/index/build.js';
import { openStore } from '../../src/store/store.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: index-memory-worker <store root>\n');
  process.exit(2);
}
const mb = (bytes: number) => Math.round(bytes / 1e6);

/** Resident bytes of this process and its children (a large full build runs in a build process). */
function treeRss(): number {
  let total = process.memoryUsage().rss;
  const children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  for (const pid of children.split(/\s+/).filter(Boolean)) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}
const sampleTree = () => {
  try {
    return treeRss();
  } catch {
    // A child that just ended, or no /proc children file: this process alone this time.
    return process.memoryUsage().rss;
  }
};
const started = performance.now();
let phase = 'start';
const samples: { s: number; phase: string; rss_mb: number; heap_mb: number; tree_rss_mb: number }[] = [];
const sample = () => {
  const m = process.memoryUsage();
  samples.push({
    s: Math.round((performance.now() - started) / 1000),
    phase,
    rss_mb: mb(m.rss),
    heap_mb: mb(m.heapUsed),
    tree_rss_mb: mb(sampleTree()),
  });
};
const timer = setInterval(sample, Number(process.env.CT_BENCH_SAMPLE_MS ?? 2000));
const report = await updateIndex(await openStore(root, 'flag'), {
  full: true,
  onProgress: (p) => {
    phase = p.phase;
  },
});
clearInterval(timer);
sample();
const peakIn = (name: string) => Math.max(0, ...samples.filter((s) => s.phase === name).map((s) => s.tree_rss_mb));
process.stdout.write(
  `${JSON.stringify({
    traces: report.traces,
    embedded: report.embedded,
    seconds: Math.round(report.ms / 100) / 10,
    traces_per_s: Math.round(report.traces / (report.ms / 1000)),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    build_process: report.process ?? null,
    peak_rss_total_mb: Math.max(...samples.map((s) => s.tree_rss_mb)),
    peak_heap_mb: Math.max(...samples.map((s) => s.heap_mb)),
    peak_rss_while_streaming_mb: peakIn('embed'),
    peak_rss_by_phase_mb: Object.fromEntries([...new Set(samples.map((s) => s.phase))].map((p) => [p, peakIn(p)])),
    samples,
  })}\n`,
);
