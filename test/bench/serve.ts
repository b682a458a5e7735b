import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { updateIndex } from '../../src/index/build.js';
import { getPackageRoot } from '../../src/paths.js';
import { openStore } from '../../src/store/store.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { log, summarizeLatencies } from './timing.js';
import { buildTldrStore } from './tldr-store.js';
import { tldrQueries } from './tldr-traces.js';

const BIN = path.join(getPackageRoot(), 'bin', 'run.js');
/** Store size for the web search latency: CT_BENCH_SERVE_TRACES (the README figure uses 10000). */
const TRACES = Number(process.env.CT_BENCH_SERVE_TRACES ?? 2_000);
/** How long the concurrent MCP clients run: CT_BENCH_SERVE_SECONDS (default 30). */
const SECONDS = Number(process.env.CT_BENCH_SERVE_SECONDS ?? 30);
const CLIENTS = Number(process.env.CT_BENCH_SERVE_CLIENTS ?? 50);
const WEB_QUERIES = 200;
/**
 * CT_BENCH_SERVE_HEAP_MB caps the server's V8 old space (--max-old-space-size): with the default
 * limit V8 lets its heap grow long before collecting, so RSS rises under load without any leak;
 * with a cap it must collect, and RSS staying level then shows nothing accumulates.
 */
const HEAP_MB = process.env.CT_BENCH_SERVE_HEAP_MB ? Number(process.env.CT_BENCH_SERVE_HEAP_MB) : undefined;

/** Resident memory of a process from /proc (Linux). */
function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024);
  } catch {
    return undefined;
  }
}

function startServe(root: string, env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const heap = HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : [];
  const child = spawn(process.execPath, [...heap, BIN, 'serve', '--port', '0', '--store', root], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`ct serve exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^(http:\/\/\S+)$/m.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
  });
}

async function timeGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return performance.now() - started;
}

/**
 * `ct serve` under load, against a real store of tldr-page traces: the web search page (whole
 * HTML answers, one at a time) beside a static asset from the same server as the floor; then
 * CLIENTS MCP SDK clients over Streamable HTTP calling search_traces back to back for SECONDS,
 * with every call's latency, the calls that failed, and the server's RSS sampled as it runs.
 */
export async function benchServe(): Promise<Record<string, unknown>> {
  const missing = missingData('tldr/corpus.jsonl');
  if (missing) return { skipped: missing };
  const pages = loadTldrCorpus();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-serve-'));
  let child: ChildProcess | undefined;
  try {
    log(`serve: building a ${TRACES}-trace store and its index`);
    const made = await buildTldrStore(parent, `serve-${TRACES}`, pages, TRACES);
    await updateIndex(await openStore(made.root, 'flag'), { full: true });
    const env = { ...process.env, CT_HOME: path.join(parent, 'ct-home'), NO_COLOR: '1' };
    const started = await startServe(made.root, env);
    child = started.child;
    const { url } = started;
    const pid = child.pid ?? 0;
    const queries = tldrQueries(pages, WEB_QUERIES);

    log('serve: web search');
    const first = await timeGet(`${url}/?q=${encodeURIComponent('extract a tar archive')}`);
    for (const q of queries.slice(0, 10)) await timeGet(`${url}/?q=${encodeURIComponent(q)}`);
    const web: number[] = [];
    const floor: number[] = [];
    for (const q of queries) {
      web.push(await timeGet(`${url}/?q=${encodeURIComponent(q)}`));
      floor.push(await timeGet(`${url}/assets/style.css`));
    }

    log(`serve: ${CLIENTS} MCP clients for ${SECONDS} s`);
    const rssBefore = rssMb(pid);
    const samples: number[] = [];
    const sampler = setInterval(() => {
      const mb = rssMb(pid);
      if (mb !== undefined) samples.push(mb);
    }, 1000);
    const latencies: number[] = [];
    let sent = 0;
    let failed = 0;
    const errors = new Set<string>();
    const connectMs: number[] = [];
    const rssAfterRound: (number | undefined)[] = [];
    // Two rounds of fresh clients: memory that is only working space comes back to the same level
    // after the second round; a leak keeps growing with every request.
    for (let round = 0; round < 2; round++) {
      const deadline = Date.now() + (SECONDS * 1000) / 2;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, n) => {
          const t0 = performance.now();
          const client = new Client({ name: `bench-${n}`, version: '1' });
          await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
          connectMs.push(performance.now() - t0);
          for (let i = n + round * CLIENTS; Date.now() < deadline; i++) {
            const query = queries[i % queries.length] as string;
            sent++;
            const t = performance.now();
            try {
              const result = await client.callTool({ name: 'search_traces', arguments: { query, limit: 5 } });
              if (result.isError) throw new Error(JSON.stringify(result.content).slice(0, 200));
              latencies.push(performance.now() - t);
            } catch (e) {
              failed++;
              errors.add((e as Error).message.slice(0, 200));
            }
          }
          await client.close();
        }),
      );
      rssAfterRound.push(rssMb(pid));
    }
    clearInterval(sampler);
    const rssAfter = rssMb(pid);
    return {
      note:
        'web: GET /?q= (the whole HTML page, 20 results) one at a time after 10 warm-up queries; floor: GET /assets/style.css ' +
        'from the same server. mcp: search_traces (limit 5, default budget) through the SDK client over Streamable HTTP, ' +
        'each client calling back to back, in two halves of SECONDS/2 with new clients (RSS after each); tldr-example queries; the server is one `ct serve` process.',
      traces: TRACES,
      cpus: os.cpus().length,
      load_average: os.loadavg().map((l) => Math.round(l * 10) / 10),
      server_heap_cap_mb: HEAP_MB ?? null,
      web_search: { first_ms: Math.round(first), ...summarizeLatencies(web) },
      static_floor: summarizeLatencies(floor),
      mcp: {
        clients: CLIENTS,
        seconds: SECONDS,
        connect: summarizeLatencies(connectMs),
        calls_sent: sent,
        calls_answered: latencies.length,
        calls_failed: failed,
        errors: [...errors].slice(0, 5),
        calls_per_second: Math.round((latencies.length / SECONDS) * 10) / 10,
        latency: summarizeLatencies(latencies),
        server_rss_mb: {
          before: rssBefore,
          after_first_half: rssAfterRound[0],
          after_second_half: rssAfterRound[1],
          after: rssAfter,
          min: Math.min(...samples),
          max: Math.max(...samples),
          first_5s_max: Math.max(...samples.slice(0, 5)),
          last_5s_max: Math.max(...samples.slice(-5)),
        },
      },
    };
  } finally {
    child?.kill('SIGTERM');
    fs.rmSync(parent, { recursive: true, force: true });
  }
}
