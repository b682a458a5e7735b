import { describe, expect, it } from 'vitest';
import { JsonScanner } from '../../src/mcp/json-scanner.js';
import { type Frame, LineSplitter } from '../../src/mcp/line-splitter.js';

/** Feeds `text` to a splitter cut into pieces of `size` bytes, and returns the frames plus the flushed tail. */
function split(text: string | Buffer, maxBytes: number, size: number): Frame[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const splitter = new LineSplitter(maxBytes);
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.length; i += size) frames.push(...splitter.push(bytes.subarray(i, i + size)));
  const last = splitter.flush();
  return last ? [...frames, last] : frames;
}

const show = (frames: Frame[]) => frames.map((f) => (f.kind === 'line' ? f.bytes.toString() : f));

function idOf(json: string): string | number | null {
  const scanner = new JsonScanner();
  scanner.feed(Buffer.from(json));
  return scanner.id();
}

describe('LineSplitter', () => {
  it('splits lines the same way whatever the chunk boundaries', () => {
    const text = '{"a":1}\n\n{"b":"é"}\r\nlast';
    for (const size of [1, 2, 3, 7, 100])
      expect(show(split(text, 64, size)), `pieces of ${size}`).toEqual(['{"a":1}', '', '{"b":"é"}\r', 'last']);
  });

  it('drops a line over the limit as it streams, reporting its size and id, and carries on', () => {
    const big = `{"jsonrpc":"2.0","method":"x","params":{"s":"${'y'.repeat(200)}"},"id":42}`;
    for (const size of [1, 5, 64, 1000])
      expect(show(split(`${big}\nok\n${'z'.repeat(65)}`, 64, size)), `pieces of ${size}`).toEqual([
        { kind: 'oversized', size: Buffer.byteLength(big), id: 42 },
        'ok',
        { kind: 'oversized', size: 65, id: null },
      ]);
  });

  it('keeps a line of exactly the limit', () => {
    expect(show(split(`${'a'.repeat(64)}\n`, 64, 10))).toEqual(['a'.repeat(64)]);
  });
});

describe('JsonScanner', () => {
  it('finds the top-level id wherever it is, and only the top-level one', () => {
    expect(idOf('{"id":"abc","method":"m"}')).toBe('abc');
    expect(idOf('{"params":{"id":1,"x":[{"id":2}]},"id":3}')).toBe(3);
    expect(idOf('{"params":{"id":1}}')).toBeNull();
    expect(idOf('{"s":"a \\"id\\": 9, {[","id" : -7 }')).toBe(-7);
    expect(idOf('{"i\\u0064":"escaped-key"}')).toBe('escaped-key');
    expect(idOf('{"id":1,"id":2}')).toBe(2);
    expect(idOf('[{"id":1}]')).toBeNull();
    expect(idOf(`{"${'k'.repeat(100)}":1,"id":"after-a-long-key"}`)).toBe('after-a-long-key');
    expect(idOf(`{"idx":1,"${'i'.repeat(40)}d":2,"id":5}`)).toBe(5);
  });

  it('answers null for ids that cannot be answered with', () => {
    expect(idOf('{"id":{"a":1},"x":1}')).toBeNull();
    expect(idOf('{"id":[1,2]}')).toBeNull();
    expect(idOf('{"id":true}')).toBeNull();
    expect(idOf(`{"id":"${'n'.repeat(300)}"}`)).toBeNull();
  });

  it('measures nesting outside strings', () => {
    const scanner = new JsonScanner();
    scanner.feed(Buffer.from('{"a":[[{"b":"[[[[{{{{"}]]]}'));
    expect(scanner.maxDepth).toBe(4);
  });
});
