import { JsonScanner } from './json-scanner.js';

const NEWLINE = 0x0a;

/** One newline-delimited frame: a line within the limit, or what is known of one that was not. */
export type Frame =
  | { kind: 'line'; bytes: Buffer }
  /** `size` counts the line's bytes without its newline; `id` is its top-level id when one was found. */
  | { kind: 'oversized'; size: number; id: string | number | null };

/**
 * Splits a byte stream into newline-delimited lines while holding at most `maxBytes` of any one
 * line. A longer line is dropped piece by piece as it streams in (only its length and its
 * top-level id are kept), so a 50 MB line costs no more memory than a short one, and the stream
 * carries on at the next newline.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private overflow: { size: number; scanner: JsonScanner } | undefined;

  constructor(readonly maxBytes: number) {}

  /** The frames completed by `chunk`, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) break;
      frames.push(this.endLine());
      start = newline + 1;
    }
    return frames;
  }

  /** At the end of the stream: the last line when it had no newline. */
  flush(): Frame | undefined {
    return this.overflow || this.heldBytes > 0 ? this.endLine() : undefined;
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow) {
      this.overflow.size += piece.length;
      if (!this.overflow.scanner.idSettled) this.overflow.scanner.feed(piece);
      return;
    }
    if (this.heldBytes + piece.length <= this.maxBytes) {
      // A copy, so a short tail does not pin the whole chunk it came in (up to 64 KiB) in memory.
      this.held.push(Buffer.from(piece));
      this.heldBytes += piece.length;
      return;
    }
    const scanner = new JsonScanner();
    for (const held of this.held) scanner.feed(held);
    scanner.feed(piece);
    this.overflow = { size: this.heldBytes + piece.length, scanner };
    this.held = [];
    this.heldBytes = 0;
  }

  private endLine(): Frame {
    const overflow = this.overflow;
    const bytes = this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held, this.heldBytes);
    this.overflow = undefined;
    this.held = [];
    this.heldBytes = 0;
    return overflow ? { kind: 'oversized', size: overflow.size, id: overflow.scanner.id() } : { kind: 'line', bytes };
  }
}
