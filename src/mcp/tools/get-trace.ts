import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isCtError } from '../../errors.js';
import { loadSignals } from '../../index/signals.js';
import { trustLabel } from '../../render/search-results.js';
import { renderTrace } from '../../render/trace.js';
import { findTrace } from '../../store/find-trace.js';
import { type Trace, TraceSchema } from '../../trace/schema.js';
import { summarizeTrust, TrustSummarySchema } from '../../trust/signals.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';

const InputSchema = z.object({
  id: z
    .string()
    .min(6)
    .max(26)
    .describe('The trace id from search_traces (or a unique prefix of at least 6 characters).'),
  store: z.string().optional().describe('The store to look in (default: all).'),
});

const OutputSchema = z.object({ store: z.string(), trace: TraceSchema, signals: TrustSummarySchema });

export function registerGetTrace(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'get_trace',
    {
      title: 'Get a trace',
      description:
        'The whole of one trace by id: frontmatter, context, solution, verification and notes, with ' +
        'its votes, flags and trust. Use it when a search result looks right and you need all of it.',
      inputSchema: InputSchema,
      outputSchema: OutputSchema,
      annotations: { title: 'Get a trace', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (input) =>
      toolResult(log, async () => {
        const targets = input.store ? [await stores.get(input.store)] : await stores.all();
        let lastError: unknown;
        for (const store of targets) {
          let trace: Trace;
          try {
            trace = await findTrace(store.root, input.id);
          } catch (e) {
            lastError = e;
            if (isCtError(e) && e.code === 'trace-not-found' && targets.length > 1) continue;
            throw e;
          }
          const signals = summarizeTrust((await loadSignals(store.root)).get(trace.id));
          const trust = trustLabel({ trust: signals, status: trace.status });
          return { data: { store: store.name, trace, signals }, text: renderTrace(trace, store.name, trust) };
        }
        throw lastError;
      }),
  );
}
