/**
 * One full index build of a store checkout, sampled: every 2 s the phase (from the build's
 * progress), resident memory and JS heap, then the peak RSS of the process. Run by
 * index-memory.ts in a fresh process, so the peak is the build's alone.
 *
 *   node dist/test/bench/index-memory-worker.js <store root>
 */
import { updateIndex } from '../../src/index/build.js';
import { openStore } from '../../src/store/store.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: index-memory-worker <store root>\n');
  process.exit(2);
}
const mb = (bytes: number) => Math.round(bytes / 1e6);
const started = performance.now();
let phase = 'start';
const samples: { s: number; phase: string; rss_mb: number; heap_mb: number }[] = [];
const sample = () => {
  const m = process.memoryUsage();
  samples.push({
    s: Math.round((performance.now() - started) / 1000),
    phase,
    rss_mb: mb(m.rss),
    heap_mb: mb(m.heapUsed),
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
const peakIn = (name: string) => Math.max(0, ...samples.filter((s) => s.phase === name).map((s) => s.rss_mb));
process.stdout.write(
  `${JSON.stringify({
    traces: report.traces,
    embedded: report.embedded,
    seconds: Math.round(report.ms / 100) / 10,
    traces_per_s: Math.round(report.traces / (report.ms / 1000)),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    peak_heap_mb: Math.max(...samples.map((s) => s.heap_mb)),
    peak_rss_while_streaming_mb: peakIn('embed'),
    peak_rss_by_phase_mb: Object.fromEntries([...new Set(samples.map((s) => s.phase))].map((p) => [p, peakIn(p)])),
    samples,
  })}\n`,
);
