import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServedStores } from '../served-stores.js';
import { registerAmendTrace } from './amend-trace.js';
import { registerContributeTrace } from './contribute-trace.js';
import { registerFlagTrace } from './flag-trace.js';
import { registerGetTrace } from './get-trace.js';
import { registerListTags } from './list-tags.js';
import { registerSearchTraces } from './search-traces.js';
import { registerVoteTrace } from './vote-trace.js';

export interface ToolOptions {
  /** Register the write tools (contribute, vote, amend, flag); default true. `ct serve` leaves them out unless --allow-write. */
  write?: boolean;
}

/** Every tool of `ct mcp` (and of `ct serve`'s /mcp): one file each, registered here. */
export function registerTools(
  server: McpServer,
  stores: ServedStores,
  log: (m: string) => void,
  options: ToolOptions = {},
): void {
  registerSearchTraces(server, stores, log);
  registerGetTrace(server, stores, log);
  registerListTags(server, stores, log);
  if (options.write === false) return;
  registerContributeTrace(server, stores, log);
  registerVoteTrace(server, stores, log);
  registerAmendTrace(server, stores, log);
  registerFlagTrace(server, stores, log);
}
