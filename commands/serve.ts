import { Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { TOKEN_ENV } from '../src/serve/access.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../src/serve/server.js';

export default class Serve extends CtCommand {
  static override summary = 'Serve a web view of the stores and MCP over HTTP (at /mcp) for a team.';
  static override description = [
    'The web view: search (the same ranking and why as ct search), traces with their history and diffs,',
    'tags, and the review queue. MCP over Streamable HTTP at /mcp with the tools of ct mcp; the write tools',
    'only with --allow-write. Binds 127.0.0.1 unless told otherwise. Clients on other machines need the token',
    `(--token or ${TOKEN_ENV}; an Authorization: Bearer header, or the web view's sign-in), and a non-loopback`,
    'address is refused without one. Accepting or rejecting contributions always needs the token.',
    'The URL is printed on stdout; logs go to stderr. Stop with Ctrl-C.',
  ].join(' ');
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 8080 --store team',
    `${TOKEN_ENV}=$(openssl rand -hex 32) <%= config.bin %> serve --host 0.0.0.0`,
    'claude mcp add --transport http ct http://127.0.0.1:4711/mcp',
  ];
  static override flags = {
    ...CtCommand.storeFlag,
    port: Flags.integer({
      char: 'p',
      description: 'Port to listen on (0: any free port).',
      default: DEFAULT_PORT,
      min: 0,
      max: 65535,
    }),
    host: Flags.string({ description: 'Address to bind; a non-loopback one needs --token.', default: DEFAULT_HOST }),
    token: Flags.string({
      description: 'Bearer token for clients on other machines and for review decisions (at least 16 characters).',
      env: TOKEN_ENV,
    }),
    'allow-write': Flags.boolean({
      description:
        'Offer the MCP write tools (contribute, vote, amend, flag), committed as this server’s git identity.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    process.stderr.on('error', () => {});
    const server = await startServer({
      port: flags.port,
      host: flags.host,
      store: flags.store,
      token: flags.token,
      allowWrite: flags['allow-write'],
    });
    this.log(server.url);
    this.progress(
      `web view at ${server.url}/, MCP at ${server.url}/mcp${flags['allow-write'] ? ' (write tools on)' : ''}`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    // The model loading or an index update may still run in the background; an interrupted
    // update leaves the previous index readable.
    process.exit(0);
  }
}
