import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

const ids = { redis: '01KD000000000000000000000A', pg: '01KD000000000000000000000B' };
const TOKEN = 'mcp-test-token-0123456789abcdef';
const READ_TOOLS = ['get_trace', 'list_tags', 'search_traces'];
const ALL_TOOLS = [...READ_TOOLS, 'amend_trace', 'contribute_trace', 'flag_trace', 'vote_trace'].sort();

/** An IPv4 address of this machine that is not loopback: clients connecting to it are "not localhost". */
function networkAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'ct-serve-test', version: '1.0.0' });
  const requestInit = token ? { headers: { Authorization: `Bearer ${token}` } } : undefined;
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), requestInit ? { requestInit } : {}));
  return client;
}

describe('ct serve: MCP over Streamable HTTP and the token', () => {
  let root: string;
  let local: ServeProcess;
  let network: ServeProcess | undefined;
  const address = networkAddress();
  const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };

  beforeAll(async () => {
    root = await makeStore('http-store');
    writeFile(
      root,
      'traces/redis/redis.md',
      traceText({
        id: ids.redis,
        title: 'Redis connection refused inside the docker compose network',
        tags: '[redis, docker-compose]',
        body: '## Context\nredis connection refused at localhost:6379 from the app container\n\n## Solution\nUse the service name: redis://redis:6379\n',
      }),
    );
    writeFile(root, 'traces/postgresql/pg.md', traceText({ id: ids.pg, tags: '[postgresql, docker-compose]' }));
    commitAll(root, 'traces');
    local = await startServe(['--port', '0', '--store', root], env);
    if (address)
      network = await startServe(['--port', '0', '--host', address, '--store', root, '--allow-write'], {
        ...env,
        CT_SERVE_TOKEN: TOKEN,
      });
  });

  afterAll(async () => {
    await local?.stop();
    await network?.stop();
  });

  it('serves the read tools to a localhost client without a token', async () => {
    const client = await connect(local.url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
    expect(client.getInstructions()).toMatch(/read-only/);
    const search = await client.callTool({
      name: 'search_traces',
      arguments: { query: 'redis connection refused', limit: 3 },
    });
    expect(search.isError).toBeFalsy();
    const data = search.structuredContent as { results: { id: string; store: string }[] };
    expect(data.results[0]).toMatchObject({ id: ids.redis, store: 'http-store' });
    const text = (search.content as { text: string }[])[0]?.text ?? '';
    expect(text).toContain(`<trace id="${ids.redis}"`);
    const trace = await client.callTool({ name: 'get_trace', arguments: { id: ids.pg } });
    expect((trace.structuredContent as { trace: { id: string } }).trace.id).toBe(ids.pg);
    // A write tool is not there to call.
    const vote = await client.callTool({ name: 'vote_trace', arguments: { id: ids.pg, vote: 'up' } });
    expect(vote.isError).toBe(true);
    await client.close();
  });

  it('refuses a request whose Host is not a local name (DNS rebinding), even from this machine', async () => {
    // fetch() may not set Host: a plain http request does, as a rebinding page's browser would.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${local.url}/mcp`,
        {
          method: 'POST',
          headers: {
            Host: 'attacker.example',
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    });
    expect(status).toBe(403);
    const plain = await fetch(`${local.url}/tags`);
    expect(plain.status).toBe(200);
    // Stateless: no server-to-client stream to open.
    const stream = await fetch(`${local.url}/mcp`, { headers: { Accept: 'text/event-stream' } });
    expect(stream.status).toBe(405);
    expect(stream.headers.get('allow')).toBe('POST');
  });

  it('answers a client on the network only with the token: 401 without, all seven tools with --allow-write', async () => {
    if (!network) throw new Error('this machine has no non-loopback IPv4 address to test network clients with');
    const refused = await connect(network.url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    const wrong = await connect(network.url, 'x'.repeat(32)).catch((e: StreamableHTTPError) => e);
    expect((wrong as StreamableHTTPError).code).toBe(401);

    const client = await connect(network.url, TOKEN);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS);
    const tags = await client.callTool({ name: 'list_tags', arguments: {} });
    expect((tags.structuredContent as { stores: { tags: { tag: string }[] }[] }).stores[0]?.tags[0]?.tag).toBe(
      'docker-compose',
    );
    await client.close();
  });

  it('asks a browser on the network to sign in, then serves it with a cookie', async () => {
    if (!network) throw new Error('this machine has no non-loopback IPv4 address to test network clients with');
    const page = await fetch(`${network.url}/?q=redis`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('<form class="login"');
    const origin = { Origin: network.url };
    // A form posted from another site is refused whatever it carries.
    const foreign = await fetch(`${network.url}/login`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
      body: new URLSearchParams({ token: TOKEN, next: '/' }),
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    const wrong = await fetch(`${network.url}/login`, {
      method: 'POST',
      headers: origin,
      body: new URLSearchParams({ token: 'not-the-token-0000', next: '/?q=redis' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    const signIn = await fetch(`${network.url}/login`, {
      method: 'POST',
      headers: origin,
      body: new URLSearchParams({ token: TOKEN, next: '/?q=redis' }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/?q=redis');
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const again = await fetch(`${network.url}/?q=redis`, { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Redis connection refused inside the docker compose network');
    // No open redirect through the sign-in form.
    const away = await fetch(`${network.url}/login`, {
      method: 'POST',
      headers: origin,
      body: new URLSearchParams({ token: TOKEN, next: '//evil.example/' }),
      redirect: 'manual',
    });
    expect(away.headers.get('location')).toBe('/');
  });

  it('refuses to bind a network address without a token, or with a short one, before listening', async () => {
    const open = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--store', root], { env });
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without a token/);
    expect(open.stderr).toMatch(/--token/);
    const short = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--token', 'short', '--store', root], {
      env,
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 16/);
  });
});
