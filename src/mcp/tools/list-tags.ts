import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { countTags } from '../../store/tags.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';

const InputSchema = z.object({
  store: z.string().optional().describe('Only this store (default: all).'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('At most this many tags per store, most used first (default 100).'),
});
const OutputSchema = z.object({
  stores: z.array(
    z.object({
      store: z.string(),
      traces: z.number().int(),
      tags: z.array(z.object({ tag: z.string(), count: z.number().int() })),
    }),
  ),
});

export function registerListTags(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'list_tags',
    {
      title: 'List tags',
      description:
        'The tags of the stores with their trace counts, most used first: what the shared memory ' +
        'covers, and the spellings to use with search_traces tags or contribute_trace.',
      inputSchema: InputSchema,
      outputSchema: OutputSchema,
      annotations: { title: 'List tags', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (input) =>
      toolResult(log, async () => {
        const targets = input.store ? [await stores.get(input.store)] : await stores.all();
        const limit = input.limit ?? 100;
        const data = await Promise.all(targets.map(async (s) => ({ store: s.name, ...(await countTags(s.root)) })));
        const out = data.map((d) => ({ store: d.store, traces: d.traces, tags: d.tags.slice(0, limit) }));
        const text = out
          .map((d) => `${d.store} (${d.traces} traces): ${d.tags.map((t) => `${t.tag} ${t.count}`).join(', ')}`)
          .join('\n');
        return { data: { stores: out }, text };
      }),
  );
}
