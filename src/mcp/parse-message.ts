import {
  ErrorCode,
  JSONRPCErrorResponseSchema,
  type JSONRPCMessage,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { JsonScanner } from './json-scanner.js';

/**
 * The deepest nesting accepted in a message, as serde_json's default recursion limit. JSON.parse
 * copes with more, but later recursive code (JSON.stringify of a reply or a log line, schema
 * checks) would overflow the stack; no MCP message comes close.
 */
export const MAX_NESTING = 128;

/** A JSON-RPC error reply; `id` is null when the message's id could not be read (JSON-RPC 2.0, section 5). */
export interface ErrorReply {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

export type ParsedLine =
  | { kind: 'message'; message: JSONRPCMessage }
  | { kind: 'blank' }
  | { kind: 'invalid'; reply: ErrorReply };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function errorReply(
  id: string | number | null,
  code: number,
  message: string,
  data?: Record<string, unknown>,
): ErrorReply {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data ? { data } : {}) } };
}

/**
 * Turns one line from the client into a JSON-RPC message for the SDK's Protocol, or into the
 * error reply JSON-RPC 2.0 asks for: -32700 when the line is not JSON (or not UTF-8, or nested
 * too deep), -32600 when it is JSON but not a JSON-RPC 2.0 message; with the message's id when
 * it can be read, else null. Blank lines are skipped.
 */
export function parseMessage(bytes: Buffer): ParsedLine {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return parseError(null, 'the line is not valid UTF-8 text');
  }
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return parseError(null, `the line is not valid JSON (${clip((error as Error).message, 160)})`);
  }
  // JSON.parse itself is iterative in V8: the depth is checked on a value that parsed, so that
  // the reply can carry the request's id and the client's request does not wait for a timeout.
  const scanner = new JsonScanner();
  scanner.feed(bytes);
  if (scanner.maxDepth > MAX_NESTING)
    return parseError(
      isPlainObject(value) ? readableId((value as Record<string, unknown>).id) : null,
      `the message nests ${scanner.maxDepth} levels deep, more than the ${MAX_NESTING} accepted`,
    );
  return checkMessage(value);
}

function checkMessage(value: unknown): ParsedLine {
  if (Array.isArray(value))
    return invalid(
      null,
      'batches (JSON arrays) are not supported: MCP removed JSON-RPC batching in protocol 2025-06-18; ' +
        'send each message as one object on its own line',
    );
  if (typeof value !== 'object' || value === null)
    return invalid(null, `a JSON-RPC message is a JSON object, got ${describe(value)}`);
  const message = value as Record<string, unknown>;
  const id = readableId(message.id);
  if (message.jsonrpc !== '2.0') return invalid(id, `"jsonrpc" must be "2.0", got ${describe(message.jsonrpc)}`);
  if ('id' in message && !(typeof message.id === 'string' || Number.isInteger(message.id)))
    return invalid(id, `"id" must be a string or an integer, got ${describe(message.id)}`);
  let schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Issue[] } } };
  if ('method' in message) {
    if (typeof message.method !== 'string')
      return invalid(id, `"method" must be a string, got ${describe(message.method)}`);
    if ('params' in message && !isPlainObject(message.params))
      return invalid(id, `"params" must be an object (MCP uses named parameters), got ${describe(message.params)}`);
    schema = 'id' in message ? JSONRPCRequestSchema : JSONRPCNotificationSchema;
  } else if ('result' in message) schema = JSONRPCResultResponseSchema;
  else if ('error' in message) schema = JSONRPCErrorResponseSchema;
  else
    return invalid(
      id,
      'a message needs a "method" (a request or a notification), or a "result" or "error" (a response)',
    );
  const checked = schema.safeParse(message);
  if (!checked.success) {
    const issue = checked.error?.issues[0];
    const where = issue?.path.length ? ` at "${issue.path.join('.')}"` : '';
    return invalid(id, `${clip(issue?.message ?? 'does not match the JSON-RPC 2.0 schema', 160)}${where}`);
  }
  return { kind: 'message', message: message as JSONRPCMessage };
}

interface Issue {
  message: string;
  path: PropertyKey[];
}

function parseError(id: string | number | null, reason: string): ParsedLine {
  return {
    kind: 'invalid',
    reply: errorReply(id, ErrorCode.ParseError, `Parse error: ${reason}. Send one JSON-RPC 2.0 object per line.`),
  };
}

function invalid(id: string | number | null, reason: string): ParsedLine {
  return { kind: 'invalid', reply: errorReply(id, ErrorCode.InvalidRequest, `Invalid request: ${reason}.`) };
}

/** The id to answer with: the message's own when it is a string or a number, else null. */
function readableId(id: unknown): string | number | null {
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short account of a received value for an error message; never the whole of a large value. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(clip(value, 40));
  return `${typeof value} ${String(value)}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
