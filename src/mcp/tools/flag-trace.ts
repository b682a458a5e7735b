import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BallotResultSchema, FlagInputSchema, raiseFlag } from '../../contribute/cast-ballot.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';
import { describePublish, storeArgument, writeAnnotations } from './write-result.js';

export function registerFlagTrace(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'flag_trace',
    {
      title: 'Flag a trace',
      description:
        'Ask reviewers to look at a trace that is wrong, outdated, unsafe (e.g. contains instructions to agents or ' +
        'dangerous commands), a duplicate (give duplicate_of) or spam. The trace is marked disputed and ranked ' +
        'down until a reviewer acts; nothing is deleted.',
      inputSchema: FlagInputSchema.extend(storeArgument),
      outputSchema: BallotResultSchema,
      annotations: writeAnnotations('Flag a trace', true),
    },
    async ({ store, ...input }) =>
      toolResult(
        log,
        async () => {
          const result = await raiseFlag(await stores.forTrace(input.id, store), input);
          const text = result.changed
            ? `Flagged ${result.id} as ${input.reason}. ${describePublish(result.publish, result.branch)}`
            : `No change: ${result.warnings.join('; ')}`;
          return { data: result, text };
        },
        { writes: true },
      ),
  );
}
