import fs from 'node:fs';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { loadEmbedder } from '../embed/embedder.js';
import { updateIndex } from '../index/build.js';
import { isIndexFresh } from '../index/fresh.js';
import { modelFor } from '../index/model.js';
import { installShippedIndex, wantsShippedIndex } from '../index/shipped.js';
import { adaptationRef, readIndexState } from '../index/state.js';
import { getPackageRoot } from '../paths.js';
import { UNTRUSTED_NOTICE } from '../render/untrusted.js';
import type { Store } from '../store/store.js';
import { ServedStores } from './served-stores.js';
import { registerTools } from './tools/index.js';
import { HardenedStdioTransport, readMaxMessageBytes } from './transport.js';

export const { version } = JSON.parse(fs.readFileSync(path.join(getPackageRoot(), 'package.json'), 'utf8')) as {
  version: string;
};

export interface McpOptions {
  store?: string;
  /** Logs go to stderr: stdout carries nothing but JSON-RPC. */
  log?: (message: string) => void;
}

/** Server instructions reflect the stores and their index state when the client connects. */
export async function buildInstructions(stores: Store[]): Promise<{ text: string; stale: Store[] }> {
  const lines: string[] = [];
  const stale: Store[] = [];
  for (const store of stores) {
    if (store.config.index.remote) {
      lines.push(`- ${store.name}: index queried in place at ${store.config.index.remote}`);
      continue;
    }
    const state = await readIndexState(store.root);
    const fresh = await isIndexFresh(store.root, modelFor(store));
    if (!fresh) stale.push(store);
    lines.push(
      `- ${store.name}: ${state ? `${state.traces} traces` : 'no index yet'}${fresh ? '' : state ? ' (index updating in the background)' : ' (index being built in the background: the first search may take a few seconds)'}`,
    );
  }
  const text = [
    'CommonTrace: a shared memory of coding problems other agents solved (context with the error, ' +
      'the solution that worked, trust from votes).',
    'Search it (search_traces) before debugging an error, adopting an unfamiliar library, or when a ' +
      'fix is not obvious; use get_trace for a whole trace.',
    'After a non-obvious fix that you verified, record it with contribute_trace (never secrets or ' +
      'project-private details). Vote (vote_trace) up when a trace helped, down with a reason when it ' +
      'was wrong; amend_trace to correct one; flag_trace for wrong, outdated, unsafe, duplicate or ' +
      'spam traces.',
    UNTRUSTED_NOTICE,
    'Stores served:',
    ...lines,
  ].join('\n');
  return { text, stale };
}

/**
 * `ct mcp`: the stdio MCP server. It keeps the embedding model loaded between calls and reads
 * each store's index state per call, so an index updated by `ct sync` in another terminal is
 * used at once. Stale indexes are brought up to date in the background after connecting.
 */
export async function runMcpServer(options: McpOptions = {}): Promise<McpServer> {
  const log = options.log ?? ((m: string) => process.stderr.write(`[ct mcp] ${m}\n`));
  const transport = new HardenedStdioTransport({ maxMessageBytes: readMaxMessageBytes(), log });
  const stores = new ServedStores(options.store, log);
  const served = await stores.all();
  const { text, stale } = await buildInstructions(served);
  const server = new McpServer(
    { name: 'commontrace', title: 'CommonTrace', version },
    { instructions: text, capabilities: { logging: {} } },
  );
  registerTools(server, stores, log);
  await server.connect(transport);
  log(`serving ${served.map((s) => s.name).join(', ')} (CommonTrace ${version})`);
  void warmUp(served, stale, log);
  return server;
}

/** Loads each store's embedding model, then brings stale indexes up to date; failures are logged, never thrown. */
export async function warmUp(stores: Store[], stale: Store[], log: (m: string) => void): Promise<void> {
  for (const store of stores)
    await loadEmbedder(modelFor(store), adaptationRef(store.root, await readIndexState(store.root))).catch((e: Error) =>
      log(`embedding model for ${store.name} failed to load: ${e.message}`),
    );
  for (const store of stale) {
    // First use of a store that ships its index: fetch and verify it instead of embedding everything.
    if (await wantsShippedIndex(store).catch(() => false))
      await installShippedIndex(store, { log }).catch((e: Error) =>
        log(`shipped index of ${store.name}: ${e.message}`),
      );
    await updateIndex(store, { log })
      .then((r) => log(`index of ${store.name}: ${r.traces} traces, ${r.embedded} embedded`))
      .catch((e: Error) => log(`index of ${store.name} could not be updated: ${e.message}`));
  }
}
