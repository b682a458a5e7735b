import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** The environment variable `ct serve --token` falls back to. */
export const TOKEN_ENV = 'CT_SERVE_TOKEN';
/** Shorter tokens are refused: a guessable token on a network address is no protection. */
export const MIN_TOKEN_LENGTH = 16;
/** The cookie the login form sets, so a browser can send the token without a header. */
export const TOKEN_COOKIE = 'ct_serve_token';

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms: a client on this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** A bind address that only this machine can reach: localhost, 127.x.x.x or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || isLoopbackAddress(bare);
}

/**
 * The token, checked before anything is bound: a non-loopback address without one is refused
 * (anyone on the network could read the stores and call the MCP tools), and so is a short token.
 */
export function checkBindPolicy(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(
      `the token is ${token.length} characters long; it needs at least ${MIN_TOKEN_LENGTH}`,
      'generate one with `openssl rand -hex 32` and pass it with --token or CT_SERVE_TOKEN',
    );
  if (!isLoopbackHost(host) && token === undefined)
    throw new UsageError(
      `refusing to serve on ${host} without a token: every client on the network could read the stores and call the MCP tools`,
      `pass --token (or set ${TOKEN_ENV}) with a secret of at least ${MIN_TOKEN_LENGTH} characters, or bind 127.0.0.1`,
    );
}

/** Compares a presented token with the configured one in constant time (hashes of equal length). */
export function tokenMatches(expected: string | undefined, presented: string | undefined): boolean {
  if (expected === undefined || presented === undefined || presented === '') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Host names a loopback client may use. A page on another site can make a browser on this machine
 * send requests to 127.0.0.1 under its own name (DNS rebinding): such a Host header is not trusted.
 */
export function isLocalHostHeader(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false;
  const name = hostHeader
    .trim()
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '');
  return name === 'localhost' || isLoopbackAddress(name) || name === boundHost.toLowerCase().replace(/^\[|\]$/g, '');
}
