import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { UsageError } from '../errors.js';
import { type Frame, LineSplitter } from './line-splitter.js';
import { type ErrorReply, errorReply, parseMessage } from './parse-message.js';

/** The environment variable that sets the largest message the server reads, in bytes. */
export const MAX_MESSAGE_BYTES_ENV = 'CT_MCP_MAX_MESSAGE_BYTES';
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Below this, ordinary requests (an initialize, a contribution) would be refused. */
const MIN_MESSAGE_BYTES = 4096;
/** JSON.parse, the SDK's schemas and the tools each hold a copy of a message: keep them well below V8's limits. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** After stdin ends, how long replies to requests already received may take before the server closes. */
const DEFAULT_DRAIN_MS = 10_000;
/** The only requests answered before `initialize` completes (MCP lifecycle). */
const BEFORE_INITIALIZE = new Set(['initialize', 'ping']);

export interface StdioTransportOptions {
  stdin?: Readable;
  stdout?: Writable;
  /** The largest message read, in bytes; longer lines are discarded and answered with an error. */
  maxMessageBytes?: number;
  drainTimeoutMs?: number;
  /** Where notes about rejected messages go (stderr): stdout carries nothing but JSON-RPC. */
  log?: (message: string) => void;
}

/**
 * The largest message size from CT_MCP_MAX_MESSAGE_BYTES (a whole number of bytes), else 4 MiB.
 * @throws UsageError when the variable is set to anything else.
 */
export function readMaxMessageBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_MESSAGE_BYTES_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_MESSAGE_BYTES;
  const bytes = Number(raw);
  if (!/^\d+$/.test(raw) || bytes < MIN_MESSAGE_BYTES || bytes > MAX_MESSAGE_BYTES)
    throw new UsageError(
      `${MAX_MESSAGE_BYTES_ENV} must be a whole number of bytes from ${MIN_MESSAGE_BYTES} to ${MAX_MESSAGE_BYTES}, ` +
        `got "${raw.slice(0, 40)}"`,
      `Unset it for the default (${DEFAULT_MAX_MESSAGE_BYTES}, 4 MiB), or set e.g. ${MAX_MESSAGE_BYTES_ENV}=8388608 (8 MiB).`,
      { variable: MAX_MESSAGE_BYTES_ENV, value: raw },
    );
  return bytes;
}

/**
 * A stdio transport for the MCP server that answers every message. It replaces the SDK's
 * StdioServerTransport, whose ReadBuffer holds a whole line in memory, closes itself for good
 * on a line over its limit, and drops malformed lines without a reply. Here:
 * - a line longer than the limit is discarded as it streams in and answered with -32600;
 * - a line that is not JSON (or not UTF-8, or nested too deep) gets -32700, and JSON that is not
 *   a JSON-RPC 2.0 message gets -32600, with the message's id when it can be read, else null;
 * - before `initialize` has been answered, requests other than `ping` get -32600 (data.reason
 *   "not-initialized") and nothing runs (-32002, LSP's code, means "resource not found" in MCP);
 * - when stdin ends, replies to requests already received are still sent (for a while), then
 *   the transport closes; a failed write to stdout (EPIPE: the client is gone) closes it at once.
 * Valid messages go to the SDK's Protocol unchanged.
 */
export class HardenedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly splitter: LineSplitter;
  private readonly drainTimeoutMs: number;
  private readonly log: (message: string) => void;
  private initialized = false;
  private readonly initializeIds = new Set<RequestId>();
  /** Requests handed to the Protocol and not answered yet (a count per id: clients may reuse one). */
  private readonly pending = new Map<RequestId, number>();
  private inputEnded = false;
  private closed = false;
  private drainTimer: NodeJS.Timeout | undefined;
  /** The last write: lines are written in order, so when it settles every earlier one has too. */
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(options: StdioTransportOptions = {}) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.splitter = new LineSplitter(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
    this.log = options.log ?? (() => {});
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('close', this.onEnd);
    this.stdin.on('error', this.onStreamError);
    this.stdout.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message))
      this.settle(message.id, 'result' in message);
    await this.write(message);
    // At the end of input, the last reply closes the transport once it is written, not before.
    if (this.inputEnded && this.pending.size === 0) await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.drainTimer);
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('close', this.onEnd);
    // Keep a listener: an error after close must not become an uncaught exception.
    this.stdin.off('error', this.onStreamError);
    this.stdin.on('error', () => {});
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const frame of this.splitter.push(chunk)) this.handle(frame);
  };

  private readonly onEnd = (): void => {
    if (this.inputEnded) return;
    this.inputEnded = true;
    const last = this.splitter.flush();
    if (last) this.handle(last);
    if (this.pending.size === 0) void this.lastWrite.then(() => this.close());
    else this.drainTimer = setTimeout(() => void this.close(), this.drainTimeoutMs);
  };

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  private handle(frame: Frame): void {
    if (this.closed) return;
    if (frame.kind === 'oversized') {
      const limit = this.splitter.maxBytes;
      this.reject(
        errorReply(
          frame.id,
          ErrorCode.InvalidRequest,
          `Message too large: ${frame.size} bytes, over the limit of ${limit} bytes; it was discarded unread. ` +
            `Send a smaller message, or raise ${MAX_MESSAGE_BYTES_ENV} for the server.`,
          { size: frame.size, limit },
        ),
      );
      return;
    }
    const parsed = parseMessage(frame.bytes);
    if (parsed.kind === 'blank') return;
    if (parsed.kind === 'invalid') this.reject(parsed.reply);
    else this.dispatch(parsed.message);
  }

  private dispatch(message: JSONRPCMessage): void {
    const request = 'method' in message && 'id' in message ? message : undefined;
    if (request && !this.initialized && !BEFORE_INITIALIZE.has(request.method)) {
      this.reject(
        errorReply(
          request.id,
          ErrorCode.InvalidRequest,
          `Server not initialized: "${request.method}" was sent before "initialize" completed. ` +
            'Send "initialize" first and wait for its result (only "ping" is answered before it).',
          { reason: 'not-initialized' },
        ),
      );
      return;
    }
    if (request) {
      if (request.method === 'initialize') this.initializeIds.add(request.id);
      this.pending.set(request.id, (this.pending.get(request.id) ?? 0) + 1);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // The Protocol answers nothing to a cancelled request: stop waiting for it at end of input.
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) this.pending.delete(id);
    }
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error as Error);
      if (!request) return;
      this.settle(request.id, false);
      this.reject(errorReply(request.id, ErrorCode.InternalError, `Internal error: ${(error as Error).message}`));
    }
  }

  private reject(reply: ErrorReply): void {
    // Messages quote pieces of the client's input: no control characters reach the log's terminal.
    const note = `answered ${reply.error.code} (id ${JSON.stringify(reply.id)}): ${reply.error.message}`;
    this.log(note.replace(/\p{Cc}/gu, '?'));
    void this.write(reply);
  }

  private settle(id: RequestId, succeeded: boolean): void {
    if (this.initializeIds.delete(id) && succeeded) this.initialized = true;
    const count = this.pending.get(id);
    if (count === undefined) return;
    if (count > 1) this.pending.set(id, count - 1);
    else this.pending.delete(id);
  }

  /**
   * Resolves once the line is handed to the OS, or failed. It never rejects: a failed write
   * means the client is gone, which closes the transport, and a rejection here would surface
   * as an unhandled rejection in SDK code that does not await its notifications.
   */
  private write(message: JSONRPCMessage | ErrorReply): Promise<void> {
    if (this.closed || this.stdout.destroyed) return Promise.resolve();
    this.lastWrite = new Promise((resolve) => {
      this.stdout.write(`${JSON.stringify(message)}\n`, (error) => {
        if (error) this.onStreamError(error);
        resolve();
      });
    });
    return this.lastWrite;
  }
}
