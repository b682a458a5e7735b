import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Latency figures in milliseconds, rounded to 0.01 ms. */
export interface LatencySummary {
  n: number;
  median_ms: number;
  p90_ms: number;
  p99_ms: number;
  min_ms: number;
  max_ms: number;
}

/** The nearest-rank percentile (p in 0..100) of some values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarizeLatencies(ms: readonly number[]): LatencySummary {
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    n: ms.length,
    median_ms: r(median(ms)),
    p90_ms: r(percentile(ms, 90)),
    p99_ms: r(percentile(ms, 99)),
    min_ms: r(Math.min(...ms)),
    max_ms: r(Math.max(...ms)),
  };
}

export async function timeAsync<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round((performance.now() - started) * 100) / 100 };
}

/**
 * Samples this process's RSS every `everyMs` while `work` runs. Native work (LanceDB) runs on
 * other threads, so the timer still fires; a long synchronous JS loop delays samples, which is
 * why the process-wide high-water mark (`resourceUsage().maxRSS`) is reported beside it.
 */
export async function withRssSampling<T>(
  work: () => Promise<T>,
  everyMs = 25,
): Promise<{ value: T; peak_rss_mb: number; process_max_rss_mb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), everyMs);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peak_rss_mb: toMb(peak), process_max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } finally {
    clearInterval(timer);
  }
}

export const toMb = (bytes: number): number => Math.round(bytes / (1024 * 1024));

export interface CommandTiming {
  runs: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** Peak RSS of the slowest-memory run, from /usr/bin/time -v (absent when it is not installed). */
  max_rss_mb?: number;
}

const TIME_BIN = '/usr/bin/time';

/**
 * Wall time of a command run `runs` times in fresh processes, after one untimed run that warms
 * the OS file cache. With /usr/bin/time available, each run also reports its peak RSS.
 */
export function timeCommand(
  command: string,
  args: readonly string[],
  runs: number,
  options: SpawnSyncOptions = {},
): CommandTiming & { stdout: string } {
  const withTime = fs.existsSync(TIME_BIN);
  const times: number[] = [];
  let maxRss = 0;
  let stdout = '';
  for (let i = 0; i <= runs; i++) {
    const [cmd, argv] = withTime ? [TIME_BIN, ['-v', command, ...args]] : [command, [...args]];
    const started = process.hrtime.bigint();
    const result = spawnSync(cmd, argv, {
      ...options,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // git grep exits 1 when nothing matches; that is a result, not a failure.
    if (result.status !== 0 && !(command === 'git' && result.status === 1))
      throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${String(result.stderr).slice(-2000)}`);
    if (i === 0) {
      stdout = String(result.stdout);
      continue;
    }
    times.push(ms);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(String(result.stderr))?.[1];
    if (rss) maxRss = Math.max(maxRss, Number(rss));
  }
  return {
    runs,
    median_ms: Math.round(median(times)),
    min_ms: Math.round(Math.min(...times)),
    max_ms: Math.round(Math.max(...times)),
    ...(maxRss ? { max_rss_mb: Math.round(maxRss / 1024) } : {}),
    stdout,
  };
}

export const log = (message: string): void => {
  process.stderr.write(`  ${message}\n`);
};
