import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isCtError } from '../../errors.js';
import { loadSignals } from '../../index/signals.js';
import { findTrace } from '../../store/find-trace.js';
import { type Trace, TraceSchema } from '../../trace/schema.js';
import { renderTrace } from '../render.js';
import type { StoreSet } from '../stores.js';
import { toolResult } from '../tool-result.js';

const InputSchema = z.object({
  id: z
    .string()
    .min(6)
    .max(26)
    .describe('The trace id from search_traces (or a unique prefix of at least 6 characters).'),
  store: z.string().optional().describe('The store to look in (default: all).'),
});

const SignalsSchema = z.object({
  up: z.number().int(),
  down: z.number().int(),
  flags: z.number().int(),
  trust: z.number(),
  validated: z.boolean(),
  disputed: z.boolean(),
});
const OutputSchema = z.object({ store: z.string(), trace: TraceSchema, signals: SignalsSchema });

export function registerGetTrace(server: McpServer, stores: StoreSet, log: (m: string) => void): void {
  server.registerTool(
    'get_trace',
    {
      title: 'Get a trace',
      description:
        'The whole of one trace by id: frontmatter, context, solution, verification and notes, with its votes, flags and trust. Use it when a search result looks right and you need all of it.',
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
          const s = (await loadSignals(store.root)).get(trace.id);
          const signals = {
            up: s?.up ?? 0,
            down: s?.down ?? 0,
            flags: s?.flags ?? 0,
            trust: s?.trust ?? 0,
            validated: s?.validated ?? false,
            disputed: s?.disputed ?? false,
          };
          const trust = `${signals.validated ? 'validated' : 'unvalidated'}, +${signals.up}/-${signals.down}${signals.disputed ? `, DISPUTED (${signals.flags} flag(s))` : ''}`;
          return { data: { store: store.name, trace, signals }, text: renderTrace(trace, store.name, { trust }) };
        }
        throw lastError;
      }),
  );
}
