import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BallotResultSchema, castVote, VoteInputSchema } from '../../contribute/cast-ballot.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';
import { describePublish, storeArgument, writeAnnotations } from './write-result.js';

export function registerVoteTrace(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'vote_trace',
    {
      title: 'Vote on a trace',
      description:
        'Vote up when a trace helped you solve the problem; vote down, with a reason, when it was wrong or ' +
        'misleading. One vote per voter per trace: voting again replaces your vote. Votes on your own traces do ' +
        'not count.',
      inputSchema: VoteInputSchema.extend(storeArgument),
      outputSchema: BallotResultSchema,
      annotations: writeAnnotations('Vote on a trace', true),
    },
    async ({ store, ...input }) =>
      toolResult(
        log,
        async () => {
          const result = await castVote(await stores.forTrace(input.id, store), input);
          const text = result.changed
            ? `Voted ${input.vote} on ${result.id}. ${describePublish(result.publish, result.branch)}`
            : `No change: ${result.warnings.join('; ')}`;
          return { data: result, text };
        },
        { writes: true },
      ),
  );
}
