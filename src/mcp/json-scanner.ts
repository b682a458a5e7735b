const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Enough for any key named "id" (even written with escapes) and any sensible id value. */
const MAX_KEY_BYTES = 32;
const MAX_ID_BYTES = 256;

/**
 * Skims JSON bytes fed in pieces without building any value, in constant memory: the deepest
 * nesting, and the raw value of the top-level object's "id" member. The server uses it for what
 * JSON.parse cannot do safely: refuse nesting that later recursive code (JSON.stringify, schema
 * checks) would choke on, and find the id of a message too large to hold, so the client's request
 * gets its error instead of waiting for a timeout. The bytes need not be valid JSON; on invalid
 * input the results are best-effort, and the caller decides from JSON.parse whether it was JSON.
 */
export class JsonScanner {
  /** The deepest nesting seen so far (1 for `{}` or `[]`). */
  maxDepth = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  /** False once the top level is known not to be an object, or the object has closed. */
  private inTopObject = false;
  private expectKey = false;
  private key: number[] | undefined;
  private keyIsId = false;
  private idBytes: number[] | undefined;
  private idRaw: string | undefined;

  feed(bytes: Uint8Array): void {
    // Large messages are mostly string content: jump through it with native indexOf instead of
    // stepping byte by byte (next positions cached: -2 not searched yet, -1 none left).
    let nextQuote = -2;
    let nextBackslash = -2;
    let i = 0;
    while (i < bytes.length) {
      if (this.inString && !this.escaped && !this.key && !this.idBytes) {
        if (nextQuote !== -1 && nextQuote < i) nextQuote = bytes.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = bytes.indexOf(BACKSLASH, i);
        if (nextQuote === -1 && nextBackslash === -1) return;
        i = nextQuote === -1 ? nextBackslash : nextBackslash === -1 ? nextQuote : Math.min(nextQuote, nextBackslash);
      }
      this.step(bytes[i] as number);
      i += 1;
    }
  }

  /** True once more bytes cannot change {@link id}: the top level is not an object, or it has closed. */
  get idSettled(): boolean {
    return this.started && !this.inTopObject;
  }

  /** The top-level "id" when it is a string or a number (the last one, as JSON.parse keeps), else null. */
  id(): string | number | null {
    if (this.idBytes) this.endIdValue();
    if (this.idRaw === undefined) return null;
    try {
      const value: unknown = JSON.parse(this.idRaw);
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
    } catch {
      return null;
    }
  }

  private step(c: number): void {
    if (!this.started) {
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) return;
      this.started = true;
      this.inTopObject = c === OPEN_BRACE;
      this.expectKey = true;
    }
    if (this.inString) {
      if (this.key) {
        // A key this long is not "id": stop capturing, so the rest of it is skipped at speed.
        if (this.key.length < MAX_KEY_BYTES) this.key.push(c);
        else this.key = undefined;
      }
      if (this.idBytes) this.pushIdByte(c);
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.inString = false;
        if (this.key) this.endKey();
      }
      return;
    }
    const topLevel = this.inTopObject && this.depth === 1;
    if (topLevel && this.idBytes && (c === COMMA || c === CLOSE_BRACE)) this.endIdValue();
    if (this.idBytes) this.pushIdByte(c);
    switch (c) {
      case QUOTE:
        this.inString = true;
        if (topLevel && this.expectKey) {
          this.key = [c];
          this.keyIsId = false;
        }
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.depth += 1;
        if (this.depth > this.maxDepth) this.maxDepth = this.depth;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.depth -= 1;
        if (this.depth <= 0) this.inTopObject = false;
        break;
      case COLON:
        if (topLevel && this.expectKey) {
          this.expectKey = false;
          if (this.keyIsId) this.idBytes = [];
        }
        break;
      case COMMA:
        if (topLevel) {
          this.expectKey = true;
          this.keyIsId = false;
        }
        break;
    }
  }

  private endKey(): void {
    const raw = Buffer.from(this.key ?? []).toString('utf8');
    this.key = undefined;
    try {
      this.keyIsId = JSON.parse(raw) === 'id';
    } catch {
      this.keyIsId = false;
    }
  }

  private pushIdByte(c: number): void {
    // An id longer than any sane one is not an id we can answer with: drop it, keep skimming.
    if (!this.idBytes) return;
    if (this.idBytes.length < MAX_ID_BYTES) this.idBytes.push(c);
    else {
      this.idBytes = undefined;
      this.idRaw = undefined;
    }
  }

  private endIdValue(): void {
    this.idRaw = Buffer.from(this.idBytes ?? []).toString('utf8');
    this.idBytes = undefined;
    this.keyIsId = false;
  }
}
