import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** The Messages API calls (what the model was sent), in order. */
  messageCalls(): { messages: unknown[]; tools?: { name: string }[] }[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, so Claude Code can run a whole
 * session offline: every model call answers `reply` (streamed as server-sent events, the way
 * Claude Code asks for it) and every request is recorded for the test to inspect.
 */
export async function startFakeAnthropic(reply: string): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let count = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path: url, body });
      if (req.method !== 'POST') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (url.startsWith('/v1/messages/count_tokens'))
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":100}');
      if (!url.startsWith('/v1/messages'))
        return void res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"type":"error","error":{"type":"not_found_error","message":"not here"}}');
      const request = JSON.parse(body || '{}') as { model?: string; stream?: boolean };
      const message = {
        id: `msg_fake_${++count}`,
        type: 'message',
        role: 'assistant',
        model: request.model ?? 'fake',
        content: [] as unknown[],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 1 },
      };
      if (!request.stream) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...message, content: [{ type: 'text', text: reply }], stop_reason: 'end_turn' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (type: string, data: Record<string, unknown>) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      send('message_start', { message });
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: reply } });
      send('content_block_stop', { index: 0 });
      send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } });
      send('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageCalls: () =>
      requests
        .filter((r) => r.method === 'POST' && /^\/v1\/messages(\?|$)/.test(r.path))
        .map((r) => JSON.parse(r.body) as { messages: unknown[]; tools?: { name: string }[] }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
