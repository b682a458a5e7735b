import { CtCommand } from '../src/cli/base.js';
import { runMcpServer } from '../src/mcp/server.js';
import { MAX_MESSAGE_BYTES_ENV } from '../src/mcp/transport.js';

export default class Mcp extends CtCommand {
  static override summary = 'Run the stdio MCP server for Claude Code and other MCP clients.';
  static override description = [
    'Tools: search_traces, get_trace, list_tags (read-only), contribute_trace, vote_trace, amend_trace, flag_trace.',
    'Serves every registered store, or the one named with --store. stdout carries only JSON-RPC; logs go to stderr.',
    `Messages over 4 MiB are discarded and answered with an error (${MAX_MESSAGE_BYTES_ENV} sets the limit, in bytes).`,
    'The server exits (status 0) when stdin closes or stdout breaks. Register it with: claude mcp add ct -- ct mcp',
  ].join(' ');
  static override examples = ['claude mcp add ct -- ct mcp', '<%= config.bin %> mcp --store team'];
  static override flags = { ...CtCommand.storeFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Mcp);
    // Logs are best-effort: a closed stderr must not crash the server with an unhandled EPIPE.
    process.stderr.on('error', () => {});
    const server = await runMcpServer({ ...(flags.store ? { store: flags.store } : {}) });
    // The transport closes when the client is gone (stdin ended and pending replies sent, or stdout broken).
    await new Promise<void>((resolve) => {
      server.server.onclose = resolve;
    });
    // Background work (the model loading, an index update) must not keep an orphaned server alive;
    // an interrupted index update leaves the previous index readable.
    process.exit(0);
  }
}
