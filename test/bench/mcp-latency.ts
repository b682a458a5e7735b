import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { loadEmbedder } from '../../src/embed/embedder.js';
import { readIndexState } from '../../src/index/state.js';
import { connectIndex, openTable, ROW_COLUMNS } from '../../src/index/table.js';
import { getPackageRoot } from '../../src/paths.js';
import { CANDIDATES_PER_SIDE } from '../../src/search/rank.js';
import { lexicalQuery } from '../../src/search/search.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { type LatencySummary, log, summarizeLatencies } from './timing.js';
import { buildTldrStore } from './tldr-store.js';

/** Peak and current resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss_mb: number; peak_rss_mb: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss_mb: Math.round(kb('VmRSS') / 1024), peak_rss_mb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/**
 * The floor of a warm search in the same run: this process runs the two LanceDB queries a search
 * makes (the weighted full-text query and the vector query, both sides' candidates, at once) on
 * the same table for the same queries, with nothing else: no MCP, no ranking, no rendering.
 */
async function rawQueryLatencies(root: string, queries: readonly string[]): Promise<LatencySummary | undefined> {
  const state = await readIndexState(root);
  if (!state) return undefined;
  const table = await openTable(await connectIndex(root), state.table);
  if (!table) return undefined;
  const embedder = await loadEmbedder(state.model);
  const columns = ROW_COLUMNS.filter((c) => c !== 'body' && c !== 'blob' && c !== 'chars');
  const once = async (query: string) => {
    const [vector] = await embedder.embed([query]);
    const lexical = await lexicalQuery(table, query);
    let nearest = table
      .vectorSearch(vector ?? [])
      .distanceType('cosine')
      .select(columns)
      .limit(CANDIDATES_PER_SIDE);
    if (state.ann) nearest = nearest.refineFactor(10);
    await Promise.all([lexical?.select(columns).limit(CANDIDATES_PER_SIDE).toArray(), nearest.toArray()]);
  };
  await once('extract a tar archive');
  const latencies: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await once(query);
    latencies.push(performance.now() - started);
  }
  return summarizeLatencies(latencies);
}

/**
 * `search_traces` latency through the real MCP client over stdio (the path Claude Code takes),
 * against stores of 1,000 and 10,000 traces made from tldr pages (CT_BENCH_MCP_SIZES), or
 * existing store checkouts (CT_BENCH_STORES, comma-separated, e.g. a 100,000-trace store built
 * and indexed once), with the server's memory. The first call (index build or update and model
 * load) is reported apart from the warm calls.
 */
export async function benchMcpLatency(
  sizes: readonly number[] = (process.env.CT_BENCH_MCP_SIZES ?? (process.env.CT_BENCH_STORES ? '' : '1000,10000'))
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0),
  calls = Number(process.env.CT_BENCH_MCP_CALLS) || 200,
): Promise<Record<string, unknown>> {
  const missing = missingData(path.join('tldr', 'corpus.jsonl'));
  if (missing) return { skipped: missing };
  const pages = loadTldrCorpus();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-mcp-'));
  const bin = path.join(getPackageRoot(), 'bin', 'run.js');
  const out: Record<string, unknown> = {};
  try {
    const existing = (process.env.CT_BENCH_STORES ?? '').split(',').filter(Boolean);
    for (const size of [...sizes, ...existing]) {
      let store: { root: string };
      if (typeof size === 'string') {
        log(`mcp: the existing store ${size}`);
        store = { root: size };
      } else {
        log(`mcp: building a ${size}-trace store`);
        store = await buildTldrStore(parent, `mcp-${size}`, pages, size);
      }
      const queries = pages.slice(0, calls).map((p) =>
        `${p.title} ${
          p.text
            .split('\n')
            .find((l) => l.startsWith('>'))
            ?.slice(2) ?? ''
        }`.slice(0, 200),
      );
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [bin, 'mcp', '--store', store.root],
        env: { ...(process.env as Record<string, string>), CT_HOME: path.join(parent, 'home') },
        stderr: 'ignore',
      });
      const client = new Client({ name: 'ct-bench', version: '1' });
      await client.connect(transport);
      const pid = transport.pid ?? 0;
      let started = performance.now();
      await client.callTool({ name: 'search_traces', arguments: { query: 'extract a tar archive', limit: 5 } });
      const first = Math.round(performance.now() - started);
      const latencies: number[] = [];
      for (const query of queries) {
        started = performance.now();
        const result = await client.callTool({ name: 'search_traces', arguments: { query, limit: 5 } });
        latencies.push(performance.now() - started);
        if (result.isError) throw new Error(`search_traces failed: ${JSON.stringify(result.content)}`);
      }
      const memory = memoryOf(pid) ?? 'unavailable';
      await client.close();
      out[typeof size === 'string' ? size : `traces_${size}`] = {
        first_call_ms: first,
        warm: summarizeLatencies(latencies),
        raw_lancedb_floor: await rawQueryLatencies(store.root, queries),
        server_memory: memory,
      };
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
  return {
    note: 'search_traces through @modelcontextprotocol/sdk Client over stdio; limit 5, default 4,000-token budget; queries are tldr page titles + descriptions. raw_lancedb_floor: the same queries as two LanceDB calls in the bench process (full-text + vector, no MCP, ranking or rendering)',
    ...out,
  };
}
