import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ContributeResultSchema, ContributionSchema, contribute } from '../../contribute/contribute.js';
import type { ServedStores } from '../served-stores.js';
import { toolResult } from '../tool-result.js';
import { describePublish, storeArgument, writeAnnotations } from './write-result.js';

/**
 * The write tools take exactly the CLI's code path (src/contribute): the same validation, secret
 * scan, duplicate check, branch and pull request. Network steps are capped by ServedStores'
 * timeout; on failure the result says what was kept locally.
 */
export function registerContributeTrace(server: McpServer, stores: ServedStores, log: (m: string) => void): void {
  server.registerTool(
    'contribute_trace',
    {
      title: 'Contribute a trace',
      description:
        'Record a solved problem for the next agent: after a non-obvious fix that worked and was verified. ' +
        'Never include secrets, tokens, internal hostnames or project-private code. Validated with the store rules ' +
        '(secrets are refused, near-duplicates reported: then vote for or amend the existing trace instead, or set ' +
        'force if yours is a different problem), committed on its own branch and opened as a pull request for ' +
        'human review.',
      inputSchema: ContributionSchema.extend({
        ...storeArgument,
        force: z.boolean().optional().describe('Contribute even if near-duplicates exist.'),
      }),
      outputSchema: ContributeResultSchema,
      annotations: writeAnnotations('Contribute a trace', false),
    },
    async ({ store, force, ...input }) =>
      toolResult(
        log,
        async () => {
          const result = await contribute(await stores.get(store), input, { force: force ?? false, log });
          const warnings = result.warnings.length ? `\nWarnings: ${result.warnings.join('; ')}` : '';
          const text = `Contributed ${result.id} as ${result.path}. ${describePublish(result.publish, result.branch)}`;
          return { data: result, text: `${text}${warnings}` };
        },
        { writes: true },
      ),
  );
}
