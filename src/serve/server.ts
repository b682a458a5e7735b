import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { CtError, ExitCode } from '../errors.js';
import { buildInstructions, warmUp } from '../mcp/server.js';
import { checkBindPolicy } from './access.js';
import { createApp } from './app.js';
import { CachedServedStores } from './fresh-gate.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  store?: string | undefined;
  token?: string | undefined;
  allowWrite?: boolean;
  cwd?: string;
  log?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

export const DEFAULT_PORT = 4711;
export const DEFAULT_HOST = '127.0.0.1';

/**
 * `ct serve`: one HTTP server with the web view and MCP over Streamable HTTP at /mcp. The bind
 * policy is checked before anything listens (a network address needs a token); stale indexes are
 * brought up to date in the background once it listens, as `ct mcp` does.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const log = options.log ?? ((m: string) => process.stderr.write(`[ct serve] ${m}\n`));
  checkBindPolicy(host, options.token);
  const stores = new CachedServedStores(options.store, log);
  const served = await stores.all();
  const app = createApp({
    stores,
    token: options.token,
    host,
    allowWrite: options.allowWrite ?? false,
    cwd: options.cwd ?? process.cwd(),
    log,
  });
  const server = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CtError('listen-failed', `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${e.message}`, {
          exit: ExitCode.usage,
          hint:
            e.code === 'EADDRINUSE'
              ? 'another program uses that port: pick another with --port (0 picks a free one)'
              : 'check --host and --port',
          cause: e,
        }),
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}`;
  const { stale } = await buildInstructions(served);
  void warmUp(served, stale, log);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
