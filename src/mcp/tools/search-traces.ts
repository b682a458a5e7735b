import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { renderSearchResults } from '../../render/search-results.js';
import { UNTRUSTED_NOTICE } from '../../render/untrusted.js';
import { SearchInputSchema, SearchResponseSchema } from '../../search/schema.js';
import { searchStores } from '../../search/search.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';

/** Default answer size: well under Claude Code's 10,000-token warning for a tool result. */
export const DEFAULT_BUDGET = 4000;
/** A server re-checks whether a store changed at most this often (git status costs ~100 ms at 10k traces). */
const FRESHNESS_TTL_MS = 3000;

const InputSchema = SearchInputSchema.pick({ query: true, tags: true, limit: true }).extend({
  budget: SearchInputSchema.shape.budget.describe(
    `Token budget for the answer (default ${DEFAULT_BUDGET}): whole traces while they fit, best first, then ` +
      'snippets. Raise it, or call get_trace, for more.',
  ),
  stores: z
    .array(z.string().min(1))
    .max(20)
    .optional()
    .describe('Search only these stores, by name (default: every store this server serves).'),
  store: z.string().optional().describe('Search only this store (the same as stores with one name).'),
});

export function registerSearchTraces(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'search_traces',
    {
      title: 'Search traces',
      description:
        'Search the shared memory of solved coding problems (offline, milliseconds). Use it before debugging an ' +
        'error, adopting an unfamiliar library, or guessing at a fix. Returns ranked traces (context: the problem ' +
        `and error; solution: what worked), each with trust signals and why it matched. ${UNTRUSTED_NOTICE}`,
      inputSchema: InputSchema,
      outputSchema: SearchResponseSchema,
      annotations: { title: 'Search traces', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ store, stores: names, budget, ...input }) =>
      toolResult(log, async () => {
        const wanted = [...(names ?? []), ...(store ? [store] : [])];
        const targets = wanted.length ? await Promise.all(wanted.map((n) => stores.get(n))) : await stores.all();
        const response = await searchStores(
          targets,
          { ...input, budget: budget ?? DEFAULT_BUDGET },
          { log, freshnessTtlMs: FRESHNESS_TTL_MS, revalidate: 'background' },
        );
        return { data: response, text: renderSearchResults(response) };
      }),
  );
}
