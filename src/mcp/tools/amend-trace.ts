import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AmendInputSchema, AmendResultSchema, amendTrace } from '../../contribute/amend.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';
import { describePublish, storeArgument, writeAnnotations } from './write-result.js';

export function registerAmendTrace(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'amend_trace',
    {
      title: 'Amend a trace',
      description:
        'Propose a corrected or completed version of an existing trace (new context, solution, notes, title or ' +
        'tags) with the reason; reviewers see the diff. Prefer this over contributing a near-duplicate.',
      inputSchema: AmendInputSchema.extend(storeArgument),
      outputSchema: AmendResultSchema,
      annotations: writeAnnotations('Amend a trace', false),
    },
    async ({ store, ...input }) =>
      toolResult(
        log,
        async () => {
          const result = await amendTrace(await stores.forTrace(input.id, store), input);
          return {
            data: result,
            text: `Amendment of ${result.id} committed. ${describePublish(result.publish, result.branch)}`,
          };
        },
        { writes: true },
      ),
  );
}
