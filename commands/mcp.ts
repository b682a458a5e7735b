import { CtCommand } from '../src/cli/base.js';
import { runMcpServer } from '../src/mcp/server.js';

export default class Mcp extends CtCommand {
  static override summary = 'Run the stdio MCP server for Claude Code and other MCP clients.';
  static override description =
    'Tools: search_traces, get_trace, list_tags (read-only), contribute_trace, vote_trace, ' +
    'amend_trace, flag_trace. Serves every registered store, or the one named with --store. stdout ' +
    'carries only JSON-RPC; logs go to stderr. Register it with: claude mcp add ct -- ct mcp';
  static override examples = ['claude mcp add ct -- ct mcp', '<%= config.bin %> mcp --store team'];
  static override flags = { ...CtCommand.storeFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Mcp);
    await runMcpServer({ ...(flags.store ? { store: flags.store } : {}) });
    // The transport keeps the process alive until the client closes stdin.
    await new Promise<void>((resolve) => process.stdin.on('close', resolve));
  }
}
