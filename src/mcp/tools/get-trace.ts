import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isCtError } from '../../errors.js';
import { loadSignals } from '../../index/signals.js';
import { trustLabel } from '../../render/search-results.js';
import { renderTrace } from '../../render/trace.js';
import { findTrace } from '../../store/find-trace.js';
import { type Trace, TraceSchema } from '../../trace/schema.js';
import { getTraceAt, type VersionPoint, VersionPointSchema } from '../../trace-log/trace-at.js';
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
  at: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Optional: the trace as it was at this point of the store history: a commit, branch or tag, or a date ' +
        '(YYYY-MM-DD, the end of that day UTC). Default: the current version.',
    ),
});

const OutputSchema = z.object({
  store: z.string(),
  trace: TraceSchema,
  signals: TrustSummarySchema.describe('Votes, flags and trust now (also when `at` asks for an older version).'),
  version: VersionPointSchema.optional().describe('With `at`: the commit the trace was read from.'),
});

/** A store that lacks the trace (or lacked it then): look in the next one. */
const NOT_HERE = new Set(['trace-not-found', 'trace-not-at-point', 'no-commit-at-date', 'ref-not-found', 'no-history']);

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
          let version: VersionPoint | undefined;
          try {
            if (input.at === undefined) trace = await findTrace(store.root, input.id);
            else {
              const found = await getTraceAt(store.root, input.id, input.at);
              trace = found.trace;
              version = { at: found.at, commit: found.commit, date: found.date };
            }
          } catch (e) {
            lastError = e;
            if (isCtError(e) && NOT_HERE.has(e.code) && targets.length > 1) continue;
            throw e;
          }
          const signals = summarizeTrust((await loadSignals(store.root)).get(trace.id));
          const trust = trustLabel({ trust: signals, status: trace.status });
          const text = renderTrace(trace, store.name, trust);
          return {
            data: { store: store.name, trace, signals, ...(version ? { version } : {}) },
            text: version ? `Version as of ${version.date} (commit ${version.commit.slice(0, 12)}).\n${text}` : text,
          };
        }
        throw lastError;
      }),
  );
}
