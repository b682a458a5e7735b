import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, git, makeStore, writeFile } from '../helpers/git.js';
import { RawMcpServer, type Reply } from '../helpers/raw-mcp.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

// The built server (`npm run build`) spoken to in raw lines: every message gets an answer, the
// server survives each one, and it exits cleanly when the client goes away (issue #18, 7 and 8).

const REDIS = '01KB000000000000000000000A';
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const MiB = 1024 * 1024;

let root: string;
const servers: RawMcpServer[] = [];

function startServer(extraEnv: Record<string, string> = {}): RawMcpServer {
  const env = {
    ...(process.env as Record<string, string>),
    CT_HOME: path.join(tempDir('ct-home-'), 'ct'),
    ...extraEnv,
  };
  const server = new RawMcpServer(['--store', root], env);
  servers.push(server);
  return server;
}

/** A valid ping and a real search still answer: the server is usable after whatever came before. */
async function expectStillServing(server: RawMcpServer): Promise<void> {
  expect((await server.request('ping')).result).toEqual({});
  const search = await server.request('tools/call', {
    name: 'search_traces',
    arguments: { query: 'redis connection refused', limit: 1 },
  });
  expect(search.error, JSON.stringify(search.error)).toBeUndefined();
  expect(search.result?.isError).toBeFalsy();
  const results = (search.result?.structuredContent as { results: { id: string }[] }).results;
  expect(results[0]?.id).toBe(REDIS);
}

beforeAll(async () => {
  root = await makeStore('protocol-store');
  writeFile(
    root,
    'traces/redis/redis.md',
    traceText({
      id: REDIS,
      title: 'Redis connection refused inside the docker compose network',
      tags: '[redis, docker-compose]',
      body: '## Context\nredis connection refused at localhost:6379 from the app container\n\n## Solution\nUse the service name: redis://redis:6379\n',
    }),
  );
  commitAll(root, 'traces');
});

afterEach(() => {
  for (const server of servers) expect(server.notJson, 'stdout carries nothing but JSON-RPC').toEqual([]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const line = (message: unknown) => `${JSON.stringify(message)}\n`;

/** [what, the line, the error code, the id the answer must carry] */
const badInputs: [string, string | Buffer, number, string | number | null][] = [
  ['garbage', 'this is not json\n', PARSE_ERROR, null],
  ['truncated JSON', '{"jsonrpc":"2.0","id":7,"method":"ping"\n', PARSE_ERROR, null],
  ['binary bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0xc3, 0x28, 0x0a]), PARSE_ERROR, null],
  [
    'invalid UTF-8 inside a string',
    Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":8,"method":"ping","params":{"x":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}\n'),
    ]),
    PARSE_ERROR,
    null,
  ],
  ['deeply nested JSON', `${deep(100_000)}\n`, PARSE_ERROR, null],
  [
    'a request nested too deep',
    `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"search_traces","arguments":{"query":${deep(50_000)}}}}\n`,
    PARSE_ERROR,
    'deep',
  ],
  ['missing jsonrpc', line({ id: 9, method: 'ping' }), INVALID_REQUEST, 9],
  ['wrong jsonrpc', line({ jsonrpc: '1.0', id: 'v1', method: 'ping' }), INVALID_REQUEST, 'v1'],
  ['a batch array', line([{ jsonrpc: '2.0', id: 11, method: 'ping' }]), INVALID_REQUEST, null],
  ['an empty batch', '[]\n', INVALID_REQUEST, null],
  ['a JSON number', '42\n', INVALID_REQUEST, null],
  ['a JSON string', '"ping"\n', INVALID_REQUEST, null],
  ['JSON null', 'null\n', INVALID_REQUEST, null],
  ['method not a string', line({ jsonrpc: '2.0', id: 12, method: 5 }), INVALID_REQUEST, 12],
  ['params as a string', line({ jsonrpc: '2.0', id: 13, method: 'ping', params: 'x' }), INVALID_REQUEST, 13],
  ['params as an array', line({ jsonrpc: '2.0', id: 14, method: 'tools/list', params: [1] }), INVALID_REQUEST, 14],
  ['an object id', line({ jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }), INVALID_REQUEST, null],
  ['an array id', line({ jsonrpc: '2.0', id: [1], method: 'ping' }), INVALID_REQUEST, null],
  ['a boolean id', line({ jsonrpc: '2.0', id: true, method: 'ping' }), INVALID_REQUEST, null],
  ['a null id', line({ jsonrpc: '2.0', id: null, method: 'ping' }), INVALID_REQUEST, null],
  ['a fractional id', line({ jsonrpc: '2.0', id: 1.5, method: 'ping' }), INVALID_REQUEST, 1.5],
  ['neither method nor result', line({ jsonrpc: '2.0', id: 15 }), INVALID_REQUEST, 15],
  ['an unknown member', line({ jsonrpc: '2.0', id: 16, method: 'ping', extra: true }), INVALID_REQUEST, 16],
  ['a malformed notification', line({ jsonrpc: '2.0', method: 'notifications/x', params: 7 }), INVALID_REQUEST, null],
];

describe('ct mcp answers malformed JSON-RPC and keeps serving', () => {
  let server: RawMcpServer;

  beforeAll(async () => {
    server = startServer();
    expect((await server.initialize()).result?.serverInfo).toMatchObject({ name: 'commontrace' });
    await expectStillServing(server);
  });

  it.each(badInputs)('%s gets one error reply', async (_what, input, code, id) => {
    const answers = await server.answersTo(input);
    expect(answers).toHaveLength(1);
    const answer = answers[0] as Reply;
    expect(answer).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
    expect(answer.error?.message).toMatch(code === PARSE_ERROR ? /^Parse error: / : /^Invalid request: /);
    await expectStillServing(server);
  });

  it('does not answer well-formed notifications, even unknown ones', async () => {
    expect(
      await server.answersTo(line({ jsonrpc: '2.0', method: 'notifications/no-such-thing', params: { a: 1 } })),
    ).toEqual([]);
    expect(
      await server.answersTo(line({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'x' } })),
    ).toEqual([]);
    expect(await server.answersTo('\n\r\n')).toEqual([]);
    await expectStillServing(server);
  });

  it('answers a 10 MB message with an error naming its size and the limit, then keeps serving', async () => {
    // The SDK's client writes the id last: the server finds it at the end of the discarded line.
    const request = `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"search_traces","arguments":{"query":"${'a'.repeat(10 * MiB)}"}},"id":"ten-mb"}`;
    const answers = await server.answersTo(`${request}\n`);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      id: 'ten-mb',
      error: { code: INVALID_REQUEST, data: { size: Buffer.byteLength(request), limit: 4 * MiB } },
    });
    expect(answers[0]?.error?.message).toContain(`${Buffer.byteLength(request)} bytes`);
    expect(answers[0]?.error?.message).toContain(`${4 * MiB} bytes`);
    expect(answers[0]?.error?.message).toContain('CT_MCP_MAX_MESSAGE_BYTES');
    await expectStillServing(server);

    const notification = line({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { data: 'b'.repeat(10 * MiB) },
    });
    const noId = await server.answersTo(notification);
    expect(noId).toMatchObject([{ id: null, error: { code: INVALID_REQUEST } }]);
    await expectStillServing(server);
  });
});

describe('ct mcp reads an oversized line without holding it', () => {
  it('discards a 50 MB line written in pieces without its size in memory', async () => {
    const server = startServer();
    await server.initialize();
    await expectStillServing(server);
    const before = server.peakMemoryMiB();
    await server.write('{"jsonrpc":"2.0","id":"fifty","method":"tools/call","params":{"arguments":{"query":"');
    const piece = 'x'.repeat(MiB);
    for (let i = 0; i < 50; i++) await server.write(piece);
    const answers = await server.answersTo('"},"name":"search_traces"}}\n');
    expect(answers).toMatchObject([{ id: 'fifty', error: { code: INVALID_REQUEST } }]);
    expect(answers[0]?.error?.data?.size).toBeGreaterThan(50 * MiB);
    await expectStillServing(server);
    const growth = server.peakMemoryMiB() - before;
    // Node's own reading of a pipe leaves some garbage behind (a no-op stdin reader peaks ~35 MB
    // higher after 50 MB); holding the line would cost at least its whole size on top of that.
    expect(growth, `peak RSS grew by ${growth.toFixed(1)} MiB`).toBeLessThan(50);
  });
});

describe('ct mcp before initialize', () => {
  it('answers only ping and initialize; nothing else runs', async () => {
    const server = startServer();
    const branches = git(root, 'branch', '--list');
    const contribute = await server.request('tools/call', {
      name: 'contribute_trace',
      arguments: {
        title: 'Vitest fake timers hang an awaited promise chain',
        tags: ['vitest'],
        context: 'A test using vi.useFakeTimers() never finishes: Error: Test timed out in 5000ms.',
        solution: 'Use await vi.advanceTimersByTimeAsync(1000) so pending promises run between timer ticks.',
      },
    });
    expect(contribute).toMatchObject({ error: { code: INVALID_REQUEST, data: { reason: 'not-initialized' } } });
    expect(contribute.error?.message).toMatch(/not initialized/);
    expect(await server.request('tools/list')).toMatchObject({ error: { code: INVALID_REQUEST } });
    expect((await server.request('ping')).result).toEqual({});

    expect((await server.initialize()).result?.protocolVersion).toBe('2025-06-18');
    await expectStillServing(server);
    // The refused contribution never ran: no branch, no file.
    expect(git(root, 'branch', '--list')).toBe(branches);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

describe('ct mcp when the client goes away', () => {
  it('answers what it already received, then exits 0 when stdin closes (even after an oversized line)', async () => {
    const server = startServer();
    await server.write(`{"jsonrpc":"2.0","id":"big","method":"ping","params":{"x":"${'z'.repeat(10 * MiB)}"}}\n`);
    await server.send({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await server.waitFor((r) => r.id === 'init');
    await server.send({
      jsonrpc: '2.0',
      id: 'last',
      method: 'tools/call',
      params: { name: 'search_traces', arguments: { query: 'redis connection refused' } },
    });
    // A last line without its newline is still read, and answered.
    server.child.stdin.end('{"jsonrpc":"2.0","id":"tail"');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.replies.find((r) => r.id === 'big')?.error?.code).toBe(INVALID_REQUEST);
    expect(server.replies.filter((r) => r.error?.code === PARSE_ERROR)).toMatchObject([{ id: null }]);
    const last = server.replies.find((r) => r.id === 'last');
    expect((last?.result?.structuredContent as { results: { id: string }[] }).results[0]?.id).toBe(REDIS);
    expect(server.stderr).not.toMatch(/unhandled|uncaught|EPIPE|\n\s+at /i);
  });

  it('exits 0 without an unhandled error when stdout breaks (EPIPE)', async () => {
    const server = startServer();
    await server.initialize();
    await expectStillServing(server);
    server.child.stdout.destroy();
    server.child.stderr.destroy();
    // Replies now fail to write: the server must notice and leave, not crash or linger.
    await server.send({ jsonrpc: '2.0', id: 'into-the-void', method: 'ping' });
    await server.send({ jsonrpc: '2.0', id: 'again', method: 'tools/list' });
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});

describe('CT_MCP_MAX_MESSAGE_BYTES', () => {
  it('sets the limit', async () => {
    const server = startServer({ CT_MCP_MAX_MESSAGE_BYTES: '8192' });
    await server.initialize();
    const answers = await server.answersTo(
      line({ jsonrpc: '2.0', id: 'p', method: 'ping', params: { pad: 'q'.repeat(9000) } }),
    );
    expect(answers).toMatchObject([{ id: 'p', error: { code: INVALID_REQUEST, data: { limit: 8192 } } }]);
    expect(await server.request('ping', { pad: 'q'.repeat(8000) })).toMatchObject({ result: {} });
    await expectStillServing(server);
  });

  it('rejects a value that is not a number of bytes, with a hint, before serving', async () => {
    const server = startServer({ CT_MCP_MAX_MESSAGE_BYTES: '4MB' });
    expect((await server.exited).code).toBe(2);
    expect(server.replies).toEqual([]);
    const stderr = server.stderr.replace(/\s+›\s+/g, ' '); // oclif wraps long lines
    expect(stderr).toMatch(/CT_MCP_MAX_MESSAGE_BYTES must be a whole number of bytes .*got "4MB"/);
    expect(stderr).toMatch(/Code: usage/);
    expect(stderr).toMatch(/CT_MCP_MAX_MESSAGE_BYTES=8388608/);
  });
});
