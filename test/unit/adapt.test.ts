import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADAPT,
  adaptTable,
  parseAdaptation,
  serializeAdaptation,
  sha256,
  type TextPair,
  tracePairs,
} from '../../src/embed/adapt.js';
import { loadCtStaticEmbedder } from '../../src/embed/ct-static.js';
import { DEFAULT_MODEL, loadEmbedder } from '../../src/embed/embedder.js';
import { stripCodeComments, withoutCodeBlocks } from '../../src/text/code.js';
import { tempDir } from '../helpers/temp-dir.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

const trace = (title: string, body: string) => ({
  title,
  tags: ['demo'],
  sections: { context: body, solution: '' },
  body,
});

describe('tracePairs', () => {
  it('pairs a title with the rest, prose with code, and the comments in code with the code without them', () => {
    const body =
      'The cache server refuses connections after an upgrade of the client library.\n\n' +
      '```python\n# retry the connection with a longer timeout\nclient = connect(host, timeout=30)\n```\n';
    const pairs = tracePairs(trace('Cache server refuses connections', body));
    expect(pairs).toHaveLength(3);
    expect(pairs[0]?.[0]).toBe('Cache server refuses connections');
    expect(pairs[1]?.[0]).toContain('refuses connections after an upgrade');
    expect(pairs[1]?.[0]).not.toContain('timeout=30');
    expect(pairs[1]?.[1]).toContain('client = connect(host, timeout=30)');
    expect(pairs[2]).toEqual(['retry the connection with a longer timeout', expect.stringContaining('connect(host')]);
    expect(pairs[2]?.[1]).not.toContain('retry');
  });

  it('gives no pair when a side has too little to say', () => {
    expect(tracePairs(trace('Crash', 'It crashes.'))).toEqual([]);
    expect(tracePairs(trace('Build fails on CI', 'ok'))).toEqual([]);
  });

  it('strips code comments but keeps code, and prose keeps no fenced code', () => {
    expect(stripCodeComments('x = 1  # set x\ny = "a#b"\n"""doc"""\nz = 2 // two')).toBe(
      'x = 1  \ny = "a#b"\n \nz = 2 ',
    );
    expect(withoutCodeBlocks('before\n```sh\nrm -rf x\n```\nafter')).not.toContain('rm -rf');
  });
});

describe('adaptTable', () => {
  const base = loadCtStaticEmbedder();
  // Invented project names (hashed n-gram rows) paired with what they do: the base table cannot
  // know that "zorblax" is the queue, the store teaches it.
  const names = ['zorblax', 'quindle', 'frobtek', 'vexmora', 'plimsoq', 'drundel', 'skarvik', 'mollux'];
  const meanings = [
    'message queue',
    'image resizer',
    'payment gateway',
    'search index',
    'mail sender',
    'auth token',
    'video encoder',
    'cron scheduler',
  ];
  const pairs: TextPair[] = [];
  for (let i = 0; i < 640; i++) {
    const k = i % names.length;
    pairs.push([`${names[k]} fails after restart ${i % 7}`, `the ${meanings[k]} stops working when it restarts`]);
  }

  it('does nothing below the minimum of pairs', () => {
    expect(adaptTable(base, pairs.slice(0, ADAPT.minPairs - 1))).toBeUndefined();
  });

  it('learns the store vocabulary: the loss drops and its pairs embed closer, the same way on every run', () => {
    const first = adaptTable(base, pairs);
    const second = adaptTable(base, pairs);
    expect(first).toBeDefined();
    if (!first || !second) return;
    expect(first.report.steps).toBe(ADAPT.minSteps);
    expect(first.report.loss[1]).toBeLessThan(first.report.loss[0]);
    const bytes = serializeAdaptation(first.adaptation);
    expect(serializeAdaptation(second.adaptation).equals(bytes)).toBe(true);
    const adapted = base.withAdaptation(parseAdaptation(bytes));
    const before = cosine(base.embedOne('zorblax is slow'), base.embedOne('the message queue is slow'));
    const after = cosine(adapted.embedOne('zorblax is slow'), adapted.embedOne('the message queue is slow'));
    expect(after).toBeGreaterThan(before + 0.1);
    // A word no pair uses keeps its row.
    expect([...adapted.embedOne('kubernetes')]).toEqual([...base.embedOne('kubernetes')]);
  });

  it('refuses a damaged file', () => {
    expect(() => parseAdaptation(Buffer.from('CTA1 and then nothing useful'))).toThrow(/bytes, expected/);
    expect(() => parseAdaptation(Buffer.from('nope'))).toThrow(/bad magic/);
  });

  it('keeps the adapted tables of the last few indexes a process used, not every one it ever loaded', async () => {
    const dir = tempDir('ct-adapted-');
    const base = await loadEmbedder(DEFAULT_MODEL);
    const refs = Array.from({ length: 6 }, (_, n) => {
      // One row changed per file: six different adaptations of the same table.
      const bytes = serializeAdaptation({
        dim: base.dim,
        rows: Uint32Array.of(n),
        scales: Float32Array.of(0.01),
        q: new Int8Array(base.dim).fill(n + 1),
      });
      const file = path.join(dir, `adapt-${n}.bin`);
      fs.writeFileSync(file, bytes);
      return { path: file, sha256: sha256(bytes) };
    });
    const loaded = [];
    for (const ref of refs) loaded.push(await loadEmbedder(DEFAULT_MODEL, ref));
    // The newest are shared; the oldest was dropped and is read again (a new object). Compared as
    // booleans: a failing toBe would print two 9 MB tables.
    const same = async (ref: (typeof refs)[number] | undefined, embedder: unknown) =>
      (await loadEmbedder(DEFAULT_MODEL, ref)) === embedder;
    expect(await same(refs[5], loaded[5])).toBe(true);
    expect(await same(refs[2], loaded[2])).toBe(true);
    expect(await same(refs[0], loaded[0])).toBe(false);
    expect(await same(undefined, base)).toBe(true);
  });
});
