import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type SearchResponse, SearchResultSchema } from '../../search/schema.js';
import { applyBudget, searchStore } from '../../search/search.js';
import { renderSearchResult, UNTRUSTED_NOTICE } from '../render.js';
import type { StoreSet } from '../stores.js';
import { toolResult } from '../tool-result.js';

/** Default answer size: well under Claude Code's 10,000-token warning for a tool result. */
export const DEFAULT_BUDGET = 4000;
export const MAX_BUDGET = 20_000;
/** A server re-checks whether a store changed at most this often (git status costs ~100 ms at 10k traces). */
const FRESHNESS_TTL_MS = 3000;

const InputSchema = z.object({
  query: z
    .string()
    .min(1)
    .max(1000)
    .describe(
      'What you are stuck on: the exact error message, or the task and the API/library names. Up to 1,000 characters.',
    ),
  tags: z
    .array(z.string().min(1).max(40))
    .max(10)
    .optional()
    .describe('Only traces having all of these tags, e.g. ["docker-compose", "postgresql"].'),
  limit: z.number().int().min(1).max(20).optional().describe('At most this many results (default 5).'),
  budget: z
    .number()
    .int()
    .min(200)
    .max(MAX_BUDGET)
    .optional()
    .describe(
      `Token budget for the answer (default ${DEFAULT_BUDGET}, max ${MAX_BUDGET}): whole traces while they fit, best first, then snippets. Raise it, or call get_trace, for more.`,
    ),
  store: z.string().optional().describe('Search only this store (default: every store this server serves).'),
});

const OutputSchema = z.object({
  query: z.string(),
  stores: z.array(z.string()).describe('The stores searched.'),
  results: z.array(SearchResultSchema.extend({ store: z.string().describe('The store the trace is in.') })),
  budget: z.object({ tokens: z.number().int(), used: z.number().int(), omitted: z.number().int() }),
  notes: z.array(z.string()).describe('Index updates and other remarks.'),
});

export function registerSearchTraces(server: McpServer, stores: StoreSet, log: (m: string) => void): void {
  server.registerTool(
    'search_traces',
    {
      title: 'Search traces',
      description: `Search the shared memory of solved coding problems (offline, milliseconds). Use it before debugging an error, adopting an unfamiliar library, or guessing at a fix. Returns ranked traces (context: the problem and error; solution: what worked), each with trust signals and why it matched. ${UNTRUSTED_NOTICE}`,
      inputSchema: InputSchema,
      outputSchema: OutputSchema,
      annotations: { title: 'Search traces', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (input) =>
      toolResult(log, async () => {
        const targets = input.store ? [await stores.get(input.store)] : await stores.all();
        const limit = input.limit ?? 5;
        const notes: string[] = [];
        const responses = await Promise.all(
          targets.map((store) =>
            searchStore(
              store,
              { query: input.query, tags: input.tags ?? [], limit, budget: MAX_BUDGET * 5 },
              { log: (m) => (notes.push(`${store.name}: ${m}`), log(m)), freshnessTtlMs: FRESHNESS_TTL_MS },
            ),
          ),
        );
        const merged = responses
          .flatMap((r, i) => r.results.map((result) => ({ ...result, store: targets[i]?.name ?? r.store })))
          .sort((a, b) => b.score - a.score)
          .slice(0, limit);
        responses.forEach(
          (r, i) => r.index.updated && notes.push(`${targets[i]?.name}: the index was brought up to date first`),
        );
        const shell: SearchResponse = {
          store: targets.map((s) => s.name).join(','),
          query: input.query,
          tags: input.tags ?? [],
          results: merged,
          total_candidates: merged.length,
          budget: null,
          index: { traces: 0, model: '', updated: false },
        };
        const budgeted = applyBudget(shell, input.budget ?? DEFAULT_BUDGET);
        const results = budgeted.results as (SearchResponse['results'][number] & { store: string })[];
        const budget = budgeted.budget ?? { tokens: input.budget ?? DEFAULT_BUDGET, used: 0, omitted: 0 };
        const header =
          results.length === 0
            ? `No traces match "${input.query}" in ${targets.map((s) => s.name).join(', ')}.`
            : `${results.length} trace(s) for "${input.query}" from ${targets.map((s) => s.name).join(', ')}. ${UNTRUSTED_NOTICE}`;
        const footer =
          budget.omitted > 0
            ? `\n${budget.omitted} more result(s) did not fit the ${budget.tokens}-token budget: call again with a larger budget, or get_trace for one trace.`
            : '';
        const text = [header, ...results.map((r, i) => renderSearchResult(r, i + 1))].join('\n\n') + footer;
        return { data: { query: input.query, stores: targets.map((s) => s.name), results, budget, notes }, text };
      }),
  );
}
