import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportToObjectStorage } from '../../src/index/remote.js';
import { getPackageRoot } from '../../src/paths.js';
import { searchStores } from '../../src/search/search.js';
import { initStore } from '../../src/store/init.js';
import { openStore, type Store } from '../../src/store/store.js';
import { S3_CREDENTIALS, startS3Server } from '../helpers/s3-server.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { type CommandTiming, log, median, summarizeLatencies, timeCommand } from './timing.js';
import { BENCH_IDENTITY, git } from './tldr-store.js';
import { generateTldrTraces, tldrQueries } from './tldr-traces.js';

const BIN = path.join(getPackageRoot(), 'bin', 'run.js');
const TIME_BIN = '/usr/bin/time';
const QUERY = 'extract a tar archive';
const RUNS = Number(process.env.CT_BENCH_SHIPPED_RUNS ?? 3);
const QUERIES = 50;

/**
 * The shipped index (issue #12), in whole `ct` processes as a user and CI run them:
 * - time to first search on a fresh clone of an N-trace store, with the shipped index (fetch,
 *   verify, install, search) against a local build (the same store without refs/ct/index), and the
 *   traces each embedded; N = CT_BENCH_SHIPPED_N (default 2,000; the figure is 100,000);
 * - CI's `ct index --export` time, the pack's bytes and what a fetch of refs/ct/index transfers
 *   (git pack-objects of its objects), also scaled per 100,000 traces;
 * - full `ct index --full` builds at CT_BENCH_BUILD_SIZES (default 1000,4000; the are
 *   10000,1000000): wall time, traces/s and peak RSS (/usr/bin/time -v), and a no-change `ct index`
 *   beside `git status` and `node -e 0` as floors;
 * - query p50/p99 against the index exported to an S3-compatible server on loopback, queried in place.
 */
export async function benchShippedIndex(): Promise<Record<string, unknown>> {
  const missing = missingData(path.join('tldr', 'corpus.jsonl'));
  if (missing) return { skipped: missing };
  const n = Number(process.env.CT_BENCH_SHIPPED_N ?? 2_000);
  const sizes = (process.env.CT_BENCH_BUILD_SIZES ?? '1000,4000').split(',').map(Number);
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-shipped-'));
  try {
    return {
      first_search: await benchFirstSearch(parent, n),
      full_build: await benchFullBuilds(parent, sizes),
    };
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

async function benchFirstSearch(parent: string, n: number): Promise<Record<string, unknown>> {
  log(`shipped-index: a store of ${n} traces with a bare remote`);
  const root = await writeStore(parent, 'store', n);
  const key = path.join(parent, 'ci_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ci', '-f', key], { stdio: 'ignore' });
  const pub = fs.readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  fs.appendFileSync(path.join(root, 'allowed_signers'), `ci@bench namespaces="ct-index" ${pub}\n`);
  fs.appendFileSync(path.join(root, 'ct.yml'), '\nindex:\n  shipped: true\n');
  git(root, 'commit', '--quiet', '--no-verify', '-am', 'ship the index');
  const bare = path.join(parent, 'remote.git');
  git(parent, 'clone', '--quiet', '--bare', root, bare);
  // A background gc after the push would repack objects while a local clone copies them.
  git(bare, 'config', 'receive.autogc', 'false');
  git(bare, 'config', 'gc.auto', '0');

  log('shipped-index: CI export (fresh clone, ct index --export --push)');
  const ci = path.join(parent, 'ci');
  git(parent, 'clone', '--quiet', bare, ci);
  const exported = runCt(['index', '--export', '--sign-key', key, '--push', '--json'], ci, parent);
  const report = JSON.parse(exported.stdout) as { export: { pack_bytes: number; manifest: { rows: number } } };
  const fetchBytes = Number(
    execFileSync('sh', ['-c', 'git rev-list --objects refs/ct/index | git pack-objects --stdout -q | wc -c'], {
      cwd: bare,
      encoding: 'utf8',
    }).trim(),
  );
  // The same store without the ref: `git clone --bare` copies branches and tags only.
  const plain = path.join(parent, 'plain.git');
  git(parent, 'clone', '--quiet', '--bare', '--no-local', bare, plain);

  // One data dir for every first search, its seeds store already indexed, so each run measures
  // the clone's store alone.
  const home = path.join(parent, 'warm-home');
  runCt(['search', QUERY, '--json'], ci, parent, home);
  const firstSearch = (remote: string, label: string) => {
    const cpu: number[] = [];
    const wall: number[] = [];
    const rss: number[] = [];
    const clone: number[] = [];
    let embedded: number | undefined;
    let source: string | undefined;
    for (let i = 0; i < RUNS; i++) {
      const dir = path.join(parent, `${label}-${i}`);
      const started = performance.now();
      git(parent, 'clone', '--quiet', remote, dir);
      clone.push(performance.now() - started);
      const run = runCt(['search', QUERY, '--json'], dir, parent, home);
      cpu.push(run.cpu_ms);
      const json = JSON.parse(run.stdout) as { stores: { embedded?: number; index_source?: string }[] };
      embedded = json.stores[0]?.embedded;
      source = json.stores[0]?.index_source;
      wall.push(run.ms);
      rss.push(run.max_rss_mb);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return {
      runs: RUNS,
      first_search_median_ms: Math.round(median(wall)),
      first_search_ms: wall.map(Math.round),
      first_search_cpu_median_ms: Math.round(median(cpu)),
      max_rss_mb: Math.max(...rss),
      git_clone_median_ms: Math.round(median(clone)),
      embedded,
      index_source: source,
    };
  };
  log('shipped-index: first search on fresh clones, shipped index');
  const shipped = firstSearch(bare, 'shipped');
  log('shipped-index: first search on fresh clones, local build');
  const local = firstSearch(plain, 'local');
  const per100k = (bytes: number) => Math.round((bytes / report.export.manifest.rows) * 100_000);
  return {
    traces: n,
    query: QUERY,
    export: {
      command: 'ct index --export --sign-key <key> --push (whole process, fresh CI clone)',
      ms: Math.round(exported.ms),
      cpu_ms: exported.cpu_ms,
      max_rss_mb: exported.max_rss_mb,
      pack_bytes: report.export.pack_bytes,
      fetch_bytes: fetchBytes,
      pack_mb_per_100k_traces: Math.round(per100k(report.export.pack_bytes) / 1e4) / 100,
      fetch_mb_per_100k_traces: Math.round(per100k(fetchBytes) / 1e4) / 100,
    },
    shipped,
    local_build: local,
    speedup: Math.round((local.first_search_median_ms / shipped.first_search_median_ms) * 100) / 100,
    cpu_speedup: Math.round((local.first_search_cpu_median_ms / shipped.first_search_cpu_median_ms) * 100) / 100,
    object_storage: await benchObjectStorage(ci),
  };
}

async function benchFullBuilds(parent: string, sizes: number[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const size of sizes) {
    log(`shipped-index: full build of ${size} traces`);
    const root = await writeStore(parent, `build-${size}`, size);
    const full = runCt(['index', '--full', '--json'], root, parent);
    const report = JSON.parse(full.stdout) as { traces: number; embedded: number };
    const noChange = timeCommand(process.execPath, [BIN, 'index', '--json'], 3, { cwd: root, env: ctEnv(parent) });
    const status = timeCommand('git', ['status', '--porcelain', '--', 'traces/'], 3, { cwd: root });
    const node = timeCommand(process.execPath, ['-e', '0'], 3);
    out[String(size)] = {
      command: 'ct index --full (whole process)',
      ms: Math.round(full.ms),
      cpu_ms: full.cpu_ms,
      traces: report.traces,
      embedded: report.embedded,
      traces_per_s: Math.round(report.traces / (full.ms / 1000)),
      traces_per_cpu_s: Math.round(report.traces / (full.cpu_ms / 1000)),
      peak_rss_mb: full.max_rss_mb,
      no_change_index: { command: 'ct index', ...strip(noChange) },
      floor: { git_status: strip(status), node_e_0: strip(node) },
    };
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}

const strip = ({ stdout: _s, ...rest }: CommandTiming & { stdout: string }): CommandTiming => rest;

/** A store of `count` tldr-made traces, written as they are generated (never all in memory). */
async function writeStore(parent: string, name: string, count: number): Promise<string> {
  const root = path.join(parent, name);
  await initStore(root, { name, identity: BENCH_IDENTITY });
  for (const t of generateTldrTraces(loadTldrCorpus(), count)) {
    const file = path.join(root, t.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, t.text);
  }
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--no-verify', '-m', `Import ${count} traces`);
  return root;
}

const ctEnv = (parent: string) => ({ ...process.env, CT_HOME: path.join(parent, 'ct-home'), NO_COLOR: '1' });

/** One whole `ct` process with its wall time and peak RSS (from /usr/bin/time -v when installed). */
function runCt(
  args: string[],
  cwd: string,
  parent: string,
  home = fs.mkdtempSync(path.join(parent, 'home-')),
): { stdout: string; ms: number; cpu_ms: number; max_rss_mb: number } {
  const withTime = fs.existsSync(TIME_BIN);
  const [cmd, argv] = withTime
    ? [TIME_BIN, ['-v', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const started = performance.now();
  const result = spawnSync(cmd, argv, {
    cwd,
    env: { ...ctEnv(parent), CT_HOME: home },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`ct ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1];
  const seconds = (label: string) =>
    Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(result.stderr)?.[1] ?? NaN);
  return {
    stdout: result.stdout,
    ms,
    // Wall time on a shared machine includes waiting for a core; CPU time (user + system) does not.
    cpu_ms: Math.round((seconds('User') + seconds('System')) * 1000),
    max_rss_mb: rss ? Math.round(Number(rss) / 1024) : -1,
  };
}

/**
 * Query latency against the store's index exported to an S3-compatible server (s3rver) on
 * 127.0.0.1, queried in place (ct.yml index.remote), beside the same index on local disk: warm
 * searchStores in one process, p50/p99 over tldr queries.
 */
async function benchObjectStorage(root: string): Promise<Record<string, unknown>> {
  log('shipped-index: object storage (s3rver on 127.0.0.1)');
  const s3 = await startS3Server('ct');
  Object.assign(process.env, S3_CREDENTIALS);
  try {
    const local = await openStore(root, 'flag');
    const remote: Store = {
      ...local,
      config: {
        ...local.config,
        index: { ...local.config.index, remote: 's3://ct/bench', storage_options: s3.storageOptions },
      },
    };
    const exported = await exportToObjectStorage(remote, 's3://ct/bench');
    const queries = tldrQueries(loadTldrCorpus(), QUERIES);
    const warm = async (store: Store) => {
      await searchStores([store], { query: QUERY, limit: 10 });
      const ms: number[] = [];
      for (const query of queries) {
        const started = performance.now();
        await searchStores([store], { query, limit: 10 });
        ms.push(performance.now() - started);
      }
      return summarizeLatencies(ms);
    };
    return {
      export_ms: exported.ms,
      rows: exported.rows,
      server: 's3rver 3.7.1 on 127.0.0.1 (objects on the local disk)',
      remote_search: await warm(remote),
      local_search: await warm(local),
    };
  } finally {
    await s3.close();
  }
}
