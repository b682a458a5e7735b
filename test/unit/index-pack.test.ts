import { describe, expect, it } from 'vitest';
import { decodePackChunk, encodePackChunk, readPackChunk, rowsDigest } from '../../src/index/pack.js';
import type { TraceRow } from '../../src/index/table.js';

const row = (id: string, vector: number[]): TraceRow => ({
  id,
  path: `traces/demo/${id}.md`,
  blob: 'a'.repeat(40),
  title: `Title ${id}`,
  tags: ['demo', 'x'],
  created: '2026-11-21',
  status: 'active',
  applies_to: '{}',
  review_after: '',
  context: 'context',
  solution: 'solution',
  body: 'body',
  chars: 42,
  fts: 'title demo',
  fts_title: 'title',
  fts_code: '',
  fts_comments: '',
  vector: Float32Array.from(vector),
});

describe('index pack chunks', () => {
  it('round-trip every column, byte for byte the same for the same rows', () => {
    const rows = [row('01A', [0.5, -0.25, 1, 0]), row('01B', [0, 0, 0, 1])];
    const bytes = encodePackChunk(rows, 4);
    expect(encodePackChunk(rows, 4).equals(bytes)).toBe(true);
    const back = decodePackChunk(bytes, 4);
    expect(back.map((r) => ({ ...r, vector: [...r.vector] }))).toEqual(
      rows.map((r) => ({ ...r, vector: [...r.vector] })),
    );
  });

  it('refuse a chunk of another dimension, and bytes that are not Arrow', () => {
    const bytes = encodePackChunk([row('01A', [1, 0, 0, 0])], 4);
    expect(() => decodePackChunk(bytes, 8)).toThrow(/expected .*vector/);
    expect(() => readPackChunk(bytes, 8)).toThrow(/expected .*vector/);
    expect(readPackChunk(bytes, 4).rows).toEqual([{ id: '01A', path: 'traces/demo/01A.md', blob: 'a'.repeat(40) }]);
    expect(() => decodePackChunk(Buffer.from('not arrow'), 4)).toThrow();
  });

  it('digest (trace id, blob id) pairs in order: a changed blob changes it', () => {
    const a = rowsDigest([{ id: '01A', blob: 'x' }]);
    expect(rowsDigest([{ id: '01A', blob: 'x' }])).toBe(a);
    expect(rowsDigest([{ id: '01A', blob: 'y' }])).not.toBe(a);
  });
});
