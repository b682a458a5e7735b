import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'bin', 'run.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function timeRuns(
  args: string[],
  runs: number,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { median_ms: number; min_ms: number; max_ms: number; runs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`ct ${args.join(' ')} failed: ${result.stderr.toString()}`);
    if (i > 0) times.push(ms); // the first run warms the OS file cache
  }
  return {
    median_ms: Math.round(median(times)),
    min_ms: Math.round(Math.min(...times)),
    max_ms: Math.round(Math.max(...times)),
    runs,
  };
}

/** Whole-process wall time of `ct --help`, `ct --version`, `ct show <id>` and `ct tags` on the seeds store, beside `node -e 0`. */
export async function benchStartup(runs = 11): Promise<Record<string, unknown>> {
  const home = tempDir('ct-bench-');
  const env = { ...process.env, CT_HOME: home, NO_COLOR: '1' };
  const cwd = os.tmpdir();
  spawnSync(process.execPath, [BIN, 'status'], { env, cwd, stdio: 'ignore' }); // creates the seeds store
  const seeds = path.join(home, 'stores', 'seeds', 'traces');
  const first = fs.readdirSync(seeds, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.md'));
  const id = first ? /^id:\s*(\S+)/m.exec(fs.readFileSync(path.join(seeds, first), 'utf8'))?.[1] : undefined;
  const baseline = timeRunsRaw(['-e', '0'], runs, env, cwd);
  // Each beside `node -e 0` (the floor); --help and --version have a target of 1.5x it (issue #15).
  const withRatio = (t: { median_ms: number }) => ({
    ...t,
    ratio_to_node: Math.round((t.median_ms / Math.max(1, baseline.median_ms)) * 100) / 100,
  });
  const result: Record<string, unknown> = {
    node: process.version,
    extra_ca_certs: Boolean(process.env.NODE_EXTRA_CA_CERTS),
    node_baseline: baseline,
    help: withRatio(timeRuns(['--help'], runs, env, cwd)),
    version: withRatio(timeRuns(['--version'], runs, env, cwd)),
    ...(id ? { show: withRatio(timeRuns(['show', id], runs, env, cwd)) } : {}),
    tags: withRatio(timeRuns(['tags'], runs, env, cwd)),
  };
  fs.rmSync(home, { recursive: true, force: true });
  return result;
}

function timeRunsRaw(args: string[], runs: number, env: NodeJS.ProcessEnv, cwd: string) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, args, { env, cwd, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { median_ms: Math.round(median(times)), runs };
}
