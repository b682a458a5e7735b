import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { ServedStores } from '../mcp/served-stores.js';
import { buildInstructions, version } from '../mcp/server.js';
import { registerTools } from '../mcp/tools/index.js';
import type { Store } from '../store/store.js';
import type { FreshnessGate } from './fresh-gate.js';

/** The server instructions (index state of every store) are rebuilt at most this often. */
const INSTRUCTIONS_TTL_MS = 10_000;

/**
 * MCP over Streamable HTTP at `/mcp`, stateless: each POST gets a fresh McpServer with the tools
 * of `ct mcp` (registerTools, the same registrations) connected to the SDK's web-standard
 * transport, answers in JSON and is closed. Nothing is kept between requests, so memory stays
 * flat however many clients come and go, and a client that never says goodbye leaks nothing;
 * the embedding model and the indexes are shared by the process. Without sessions there are no
 * server-initiated messages (GET answers 405), which these tools never send.
 */
export class McpHttpEndpoint {
  private instructions: { text: Promise<string>; at: number } | undefined;
  /** One validator for every request: building an Ajv instance per server object costs more than a search. */
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(
    private readonly stores: ServedStores,
    private readonly gate: FreshnessGate,
    private readonly log: (message: string) => void,
    private readonly allowWrite: boolean,
  ) {}

  async handle(request: Request): Promise<Response> {
    // Without sessions there is no stream for server-initiated messages (GET) and nothing to end
    // (DELETE): 405 tells a client so at once, where an SSE stream closed at once would make it
    // reconnect again and again.
    if (request.method !== 'POST')
      return Response.json(
        {
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Method not allowed: this endpoint is stateless, POST only' },
          id: null,
        },
        { status: 405, headers: { Allow: 'POST' } },
      );
    const stores = await this.stores.all();
    await this.gate.pass(stores);
    const server = new McpServer(
      { name: 'commontrace', title: 'CommonTrace', version },
      {
        instructions: await this.instructionsText(stores),
        capabilities: { logging: {} },
        jsonSchemaValidator: this.validator,
      },
    );
    registerTools(server, this.stores, this.log, { write: this.allowWrite });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      await server.close();
    }
  }

  /** Built once for all the requests of INSTRUCTIONS_TTL_MS: concurrent initializations share one build. */
  private instructionsText(stores: Store[]): Promise<string> {
    const now = Date.now();
    if (this.instructions && now - this.instructions.at < INSTRUCTIONS_TTL_MS) return this.instructions.text;
    const writes = this.allowWrite
      ? ''
      : '\nThis server is read-only: contribute, vote, amend and flag with `ct` or a server started with --allow-write.';
    const text = buildInstructions(stores).then(({ text: base }) => `${base}${writes}`);
    this.instructions = { text, at: now };
    text.catch(() => {
      this.instructions = undefined;
    });
    return text;
  }
}
