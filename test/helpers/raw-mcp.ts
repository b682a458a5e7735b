import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');

/** One JSON-RPC message the server wrote to stdout. */
export interface Reply {
  jsonrpc?: string;
  id?: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
  method?: string;
}

/**
 * The built `ct mcp` spoken to in raw lines over stdio, as a misbehaving client would: every
 * stdout line is recorded (and must be JSON), replies are awaited by id, never by time.
 */
export class RawMcpServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly replies: Reply[] = [];
  readonly notJson: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private pendingOut = '';
  private listeners: (() => void)[] = [];
  private nextId = 0;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [BIN, 'mcp', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => this.onStdout(text));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // The server may close stdin first (when it exits); the tests then see it through `exited`.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        resolve({ code, signal });
        this.notify();
      }),
    );
  }

  /** Writes raw bytes to stdin, waiting for the pipe to drain (a 50 MB line goes in pieces). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = this.child.stdin.write(data, (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else this.child.stdin.once('drain', resolve);
    });
  }

  send(message: Record<string, unknown>): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a request and resolves with its reply. */
  async request(method: string, params?: Record<string, unknown>, id: string | number = this.newId()): Promise<Reply> {
    const from = this.replies.length;
    await this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return this.waitFor((r) => r.id === id && (r.result !== undefined || r.error !== undefined), from);
  }

  async initialize(): Promise<Reply> {
    const reply = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-test', version: '1.0.0' },
    });
    await this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return reply;
  }

  /**
   * Writes `bad`, then a ping; resolves with every reply written between the two (the server
   * answers lines in order, so these are the answers to `bad`) once the ping is answered.
   */
  async answersTo(bad: string | Buffer): Promise<Reply[]> {
    const from = this.replies.length;
    await this.write(bad);
    const id = this.newId();
    await this.send({ jsonrpc: '2.0', id, method: 'ping' });
    const ping = await this.waitFor((r) => r.id === id, from);
    return this.replies.slice(from, this.replies.indexOf(ping));
  }

  /** Resolves with the first reply from index `from` on that matches; rejects if the server exits first. */
  waitFor(match: (reply: Reply) => boolean, from = 0): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.replies.slice(from).find(match);
        if (found) resolve(found);
        else if (this.child.exitCode !== null || this.child.signalCode !== null)
          reject(new Error(`ct mcp exited (${this.child.exitCode ?? this.child.signalCode}); stderr:\n${this.stderr}`));
        else return false;
        return true;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) this.listeners = this.listeners.filter((l) => l !== listener);
      };
      this.listeners.push(listener);
    });
  }

  /** The server's peak resident memory so far, in MiB (Linux). */
  peakMemoryMiB(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill(), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private newId(): string {
    this.nextId += 1;
    return `t-${this.nextId}`;
  }

  private onStdout(text: string): void {
    const lines = (this.pendingOut + text).split('\n');
    this.pendingOut = lines.pop() ?? '';
    for (const line of lines) {
      try {
        this.replies.push(JSON.parse(line) as Reply);
      } catch {
        this.notJson.push(line);
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
