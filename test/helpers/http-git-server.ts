import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpRequest {
  method: string;
  path: string;
  /** The user whose Basic credentials were accepted; undefined for a refused or anonymous request. */
  user: string | undefined;
  status: number;
}

export interface GitHttpServer {
  /** http://127.0.0.1:<port>: append the repository path below the project root. */
  url: string;
  requests: GitHttpRequest[];
  close(): Promise<void>;
}

/**
 * git's own smart-HTTP server: `git http-backend` run as a CGI program behind a tiny Node server
 * on 127.0.0.1, serving every repository below `projectRoot`. Every request needs HTTP Basic
 * credentials (as a private repository on a forge would); accepted ones become REMOTE_USER,
 * which is also what lets http-backend accept pushes.
 */
export async function startGitHttpServer(options: {
  projectRoot: string;
  username: string;
  password: string;
  timeoutMs?: number;
}): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: GitHttpRequest = {
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      user: undefined,
      status: 0,
    };
    requests.push(record);
    if (req.headers.authorization !== expected) {
      record.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ct-test"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      req.resume();
      return;
    }
    record.user = options.username;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: record.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REMOTE_USER: options.username,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      // The client gzips large request bodies; http-backend inflates them when told.
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => cgi.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headersSent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const end = text.search(/\r?\n\r?\n/);
      if (end < 0) return;
      const separator = /\r?\n\r?\n/.exec(text.slice(end))?.[0].length ?? 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of text.slice(0, end).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      record.status = status;
      res.writeHead(status, headers);
      headersSent = true;
      // latin1 decodes one character per byte, so string offsets are byte offsets.
      res.write(head.subarray(end + separator));
    });
    cgi.on('close', () => {
      clearTimeout(timer);
      if (!headersSent) {
        record.status = 502;
        res.writeHead(502).end('http-backend gave no response\n');
      } else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
