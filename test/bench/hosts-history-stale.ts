import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';
import { median } from './timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'bin', 'run.js');

/** Median whole-process wall time of a command (after one warm-up run). */
function timeCommand(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv, cwd: string) {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString()}`);
    if (i > 0) times.push(ms);
  }
  return { median_ms: Math.round(median(times)), min_ms: Math.round(Math.min(...times)), runs };
}

/**
 * `ct setup`, `ct show --at`, `ct diff` and `ct stale` on the seeds store (218 traces), each as a
 * whole process beside its floors: `node -e 0`, `ct show` without --at, and `git show` /
 * `git log -p` for the history commands. `ct stale` is timed with every registry answer in the cache (the common case within
 * the TTL); the cache is filled first from a local server that answers in npm's format.
 */
export async function benchHostsHistoryStale(runs = 7): Promise<Record<string, unknown>> {
  const home = tempDir('ct-bench-hhs-');
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, 'dist-tags': { latest: '99.0.0' }, info: { version: '99.0.0' }, versions: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = {
    ...process.env,
    CT_HOME: path.join(home, 'ct'),
    HOME: home,
    NO_COLOR: '1',
    CT_NPM_REGISTRY: registry,
    CT_PYPI_REGISTRY: registry,
    CT_CRATES_REGISTRY: registry,
    CT_GO_PROXY: registry,
  };
  const cwd = home;
  spawnSync(process.execPath, [BIN, 'status'], { env, cwd, stdio: 'ignore' }); // creates the seeds store
  const seeds = path.join(home, 'ct', 'stores', 'seeds');
  const file = fs
    .readdirSync(path.join(seeds, 'traces'), { recursive: true, encoding: 'utf8' })
    .find((f) => f.endsWith('.md')) as string;
  const id = /^id:\s*(\S+)/m.exec(fs.readFileSync(path.join(seeds, 'traces', file), 'utf8'))?.[1] as string;
  // Fill the registry cache (asynchronously: the server runs in this process).
  const fill = await new Promise<number>((resolve) => {
    const started = performance.now();
    spawn(process.execPath, [BIN, 'stale', '--json'], { env, cwd, stdio: 'ignore' }).on('close', () =>
      resolve(Math.round(performance.now() - started)),
    );
  });
  server.close();
  const result = {
    traces: fs
      .readdirSync(path.join(seeds, 'traces'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md')).length,
    node_baseline: timeCommand(process.execPath, ['-e', '0'], runs, env, cwd),
    setup_cursor_unchanged: (() => {
      spawnSync(process.execPath, [BIN, 'setup', 'cursor'], { env, cwd, stdio: 'ignore' });
      return timeCommand(process.execPath, [BIN, 'setup', 'cursor'], runs, env, cwd);
    })(),
    setup_codex_dry_run: timeCommand(process.execPath, [BIN, 'setup', 'codex', '--dry-run'], runs, env, cwd),
    git_show_floor: timeCommand('git', ['show', `HEAD:traces/${file}`], runs, env, seeds),
    show_now: timeCommand(process.execPath, [BIN, 'show', id], runs, env, cwd),
    show_at_head: timeCommand(process.execPath, [BIN, 'show', id, '--at', 'HEAD'], runs, env, cwd),
    show_at_date: timeCommand(process.execPath, [BIN, 'show', id, '--at', '2099-01-01'], runs, env, cwd),
    git_log_p_floor: timeCommand('git', ['log', '-p', '-1', '--', `traces/${file}`], runs, env, seeds),
    diff_last_change: timeCommand(process.execPath, [BIN, 'diff', id], runs, env, cwd),
    stale_first_run_fetching_ms: fill,
    stale_all_cached: timeCommand(process.execPath, [BIN, 'stale'], runs, env, cwd),
  };
  fs.rmSync(home, { recursive: true, force: true });
  return result;
}
