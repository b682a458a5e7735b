import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CT_STATIC_MODEL, CtStaticEmbedder, ctStaticDir, loadCtStaticEmbedder } from '../../src/embed/ct-static.js';
import { DEFAULT_MODEL, loadEmbedder } from '../../src/embed/embedder.js';
import { embeddingWords, hashString, TokenRows } from '../../src/embed/token-rows.js';
import { CtError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a));

describe('ct-static-v3 embedder', () => {
  const model = loadCtStaticEmbedder();

  it('is the default model and loads from the package', async () => {
    expect(DEFAULT_MODEL).toBe(CT_STATIC_MODEL);
    const loaded = await loadEmbedder();
    expect(loaded.id).toBe(CT_STATIC_MODEL);
    expect(loaded.dim).toBeGreaterThanOrEqual(64);
  });

  it('gives the same unit vector for the same text, in one instance or another', async () => {
    const text = 'TypeError: Cannot read properties of undefined (reading "map") in a React component';
    const [a, b] = await model.embed([text, text]);
    const c = loadCtStaticEmbedder().embedOne(text);
    expect([...(a as Float32Array)]).toEqual([...(b as Float32Array)]);
    expect([...(a as Float32Array)]).toEqual([...c]);
    expect(norm(a as Float32Array)).toBeCloseTo(1, 5);
  });

  it('reads its table the same from a buffer at any offset (used in place when aligned, else copied)', () => {
    const dir = ctStaticDir();
    const table = fs.readFileSync(path.join(dir, `${CT_STATIC_MODEL}.bin`));
    const meta = JSON.parse(fs.readFileSync(path.join(dir, `${CT_STATIC_MODEL}.json`), 'utf8'));
    const shifted = Buffer.alloc(table.length + 1);
    table.copy(shifted, 1);
    const text = 'git push rejected: non-fast-forward after a rebase';
    const inPlace = new CtStaticEmbedder(table, meta).embedOne(text);
    const copied = new CtStaticEmbedder(shifted.subarray(1), meta).embedOne(text);
    expect([...copied]).toEqual([...inPlace]);
    expect([...inPlace]).toEqual([...model.embedOne(text)]);
  });

  it('puts texts about the same problem closer than unrelated ones', () => {
    const pairs: [string, string, string][] = [
      [
        'postgres connection refused on port 5432',
        'could not connect to the PostgreSQL database server',
        'center a div horizontally with css flexbox',
      ],
      [
        'python check if a file exists',
        'def file_exists(path):\n    return os.path.isfile(path)',
        'def parse_date(text):\n    return datetime.strptime(text, "%Y-%m-%d")',
      ],
      [
        'browser hangs when opening a page with heavy javascript',
        'script not responding dialog, the window freezes',
        'print preview shows the wrong paper size',
      ],
    ];
    for (const [query, near, far] of pairs) {
      const [q, n, f] = [query, near, far].map((t) => model.embedOne(t)) as [Float32Array, Float32Array, Float32Array];
      expect(cosine(q, n), `${query} / ${near} vs ${far}`).toBeGreaterThan(cosine(q, f));
    }
  });

  it('embeds words outside the vocabulary through their character n-grams', () => {
    const typo = model.embedOne('postgresqll');
    expect(norm(typo)).toBeCloseTo(1, 5);
    expect(cosine(typo, model.embedOne('postgresql'))).toBeGreaterThan(cosine(typo, model.embedOne('flexbox')));
    // Only punctuation: no words, a zero vector (vector search skips it).
    expect(norm(model.embedOne('!!! ... ???'))).toBe(0);
  });

  it('maps words the way the training pipeline does: vocabulary rows, else stable hashed n-gram buckets', () => {
    // FNV-1a of "abc": pinned, because the shipped table's bucket rows depend on this exact hash.
    expect(hashString('abc')).toBe(0x1a47e90b);
    const rows = new TokenRows(['error', 'timeout'], 16);
    expect(rows.rowsOf('timeout')).toEqual({ rows: [1], weights: [1] });
    const oov = rows.rowsOf('erorr');
    // "<erorr>": 5 trigrams and 4 four-grams, each a bucket after the 2 vocabulary rows, sharing one word's weight.
    expect(oov.rows).toHaveLength(9);
    expect(oov.rows.every((r) => r >= 2 && r < 18)).toBe(true);
    expect(oov.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('fails with model-missing, naming the rebuild command, when the table is absent or broken', () => {
    const empty = tempDir('ct-model-');
    expect(() => loadCtStaticEmbedder(empty)).toThrowError(CtError);
    try {
      loadCtStaticEmbedder(empty);
    } catch (e) {
      expect((e as CtError).code).toBe('model-missing');
      expect((e as CtError).message).toContain('is missing');
      expect((e as CtError).hint).toContain('npm run build:model');
    }
    fs.copyFileSync(path.join(ctStaticDir(), `${CT_STATIC_MODEL}.json`), path.join(empty, `${CT_STATIC_MODEL}.json`));
    fs.writeFileSync(path.join(empty, `${CT_STATIC_MODEL}.bin`), 'not a table');
    expect(() => loadCtStaticEmbedder(empty)).toThrowError(/cannot be read \(not a ct-static-v3 table/);
  });
});

describe('a retired table', () => {
  it('is refused with its successor named, not loaded as another table', async () => {
    const refused = await loadEmbedder('ct-static-v2').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CtError);
    expect((refused as CtError).code).toBe('unknown-model');
    expect((refused as CtError).message).toMatch(/"ct-static-v2" was retrained as ct-static-v3/);
    expect((refused as CtError).hint).toMatch(/remove embedding\.model from ct\.yml/);
  });
});

describe('the embedder words', () => {
  it('splits identifiers, humps and digits the way the model was trained, frozen apart from the search tokenizer', () => {
    expect(embeddingWords('getFooBar get_foo_bar foo.bar/baz utf8 HTTPServer ERR_REQUIRE_ESM')).toEqual([
      'get',
      'foo',
      'bar',
      'get',
      'foo',
      'bar',
      'foo',
      'bar',
      'baz',
      'utf',
      '8',
      'http',
      'server',
      'err',
      'require',
      'esm',
    ]);
    expect(embeddingWords(`a${'x'.repeat(45)} ok`)).toEqual(['ok']);
  });

  it('weighs rows per text exactly as the training pipeline sums them word by word', () => {
    const rows = new TokenRows(['connection', 'refused', 'postgres', 'port'], 64);
    const text = 'PostgresConnection refused: postgres port 5432 refused (ECONNREFUSED) postgress';
    const expected = new Map<number, number>();
    for (const word of embeddingWords(text)) {
      const { rows: r, weights } = rows.rowsOf(word);
      r.forEach((row, k) => expected.set(row, (expected.get(row) ?? 0) + (weights[k] as number)));
    }
    const got = rows.weighRows(text);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [row, weight] of expected) expect(got.get(row)).toBeCloseTo(weight, 10);
    expect(rows.weighRows(text)).toEqual(got); // cached raw tokens give the same sums
  });
});
