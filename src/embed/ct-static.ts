import fs from 'node:fs';
import path from 'node:path';
import { CtError, ExitCode } from '../errors.js';
import { getPackageRoot } from '../paths.js';
import type { AdaptableTable, Adaptation } from './adapt.js';
import type { Embedder } from './embedding.js';
import { TokenRows } from './token-rows.js';

/** The model id this table is registered under, and the base name of its files in src/embed/data. */
export const CT_STATIC_MODEL = 'ct-static-v3';
const MAGIC = 'CTS2';
const HEADER_BYTES = 16;

interface TableMeta {
  format: string;
  dim: number;
  rows: number;
  buckets: number;
  words: string[];
}

/**
 * CommonTrace's own static embedding, trained by bin/model (see its README): one int8 row per
 * vocabulary word and per hashed character n-gram bucket, each with a float32 scale that carries
 * the word's learned weight. A text's vector is the sum of its words' rows (a word outside the
 * vocabulary is the mean of its n-gram buckets), L2-normalised. No model runtime: it loads in a
 * few tens of milliseconds and embeds thousands of texts a second.
 */
export class CtStaticEmbedder implements Embedder, AdaptableTable {
  readonly id = CT_STATIC_MODEL;
  readonly dim: number;
  private readonly scales: Float32Array;
  private readonly q: Int8Array;
  private readonly tokens: TokenRows;

  constructor(
    private readonly buffer: Buffer,
    private readonly meta: TableMeta,
  ) {
    if (buffer.toString('ascii', 0, 4) !== MAGIC) throw new Error(`not a ${CT_STATIC_MODEL} table (bad magic)`);
    const rows = buffer.readUInt32LE(8);
    this.dim = buffer.readUInt32LE(12);
    if (rows !== meta.words.length + meta.buckets || this.dim !== meta.dim)
      throw new Error(`table (${rows} rows x ${this.dim}) does not match its metadata`);
    if (buffer.byteLength !== HEADER_BYTES + rows * 4 + rows * this.dim)
      throw new Error(`table is ${buffer.byteLength} bytes, expected ${HEADER_BYTES + rows * (4 + this.dim)}`);
    // Float32Array needs an offset divisible by 4: a Buffer as big as this table has its own
    // memory at offset 0 and is used as it is; one that starts elsewhere is copied (9 MB, ~5 ms).
    const aligned = buffer.byteOffset % 4 === 0;
    const bytes = aligned ? buffer.buffer : new Uint8Array(buffer).buffer;
    const base = aligned ? buffer.byteOffset : 0;
    this.scales = new Float32Array(bytes, base + HEADER_BYTES, rows);
    this.q = new Int8Array(bytes, base + HEADER_BYTES + 4 * rows, rows * this.dim);
    this.tokens = new TokenRows(meta.words, meta.buckets);
  }

  weighRows(text: string): Map<number, number> {
    return this.tokens.weighRows(text);
  }

  readRow(row: number, out: Float32Array): void {
    const scale = this.scales[row] as number;
    const offset = row * this.dim;
    for (let j = 0; j < this.dim; j++) out[j] = scale * (this.q[offset + j] as number);
  }

  /** This table with a store's adapted rows in place of its own (see adapt.ts). */
  withAdaptation(adaptation: Adaptation): CtStaticEmbedder {
    if (adaptation.dim !== this.dim) throw new Error(`adaptation is ${adaptation.dim}-d, the table ${this.dim}-d`);
    const rows = this.scales.length;
    const copy = Buffer.alloc(this.buffer.byteLength);
    this.buffer.copy(copy);
    const scales = new Float32Array(copy.buffer, copy.byteOffset + HEADER_BYTES, rows);
    const q = new Int8Array(copy.buffer, copy.byteOffset + HEADER_BYTES + 4 * rows, rows * this.dim);
    adaptation.rows.forEach((row, k) => {
      if (row >= rows) throw new Error(`adaptation names row ${row}, the table has ${rows}`);
      scales[row] = adaptation.scales[k] as number;
      q.set(adaptation.q.subarray(k * this.dim, (k + 1) * this.dim), row * this.dim);
    });
    return new CtStaticEmbedder(copy, this.meta);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): Float32Array {
    // Each distinct row once, with its total weight: words repeat in code and logs.
    const weightOf = this.tokens.weighRows(text);
    const dim = this.dim;
    const q = this.q;
    const acc = new Float64Array(dim);
    for (const [row, weight] of weightOf) {
      const scale = (this.scales[row] as number) * weight;
      if (scale === 0) continue;
      const offset = row * dim;
      for (let j = 0; j < dim; j++) acc[j] = (acc[j] as number) + scale * (q[offset + j] as number);
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (acc[j] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    const out = new Float32Array(dim);
    for (let j = 0; j < dim; j++) out[j] = (acc[j] as number) / norm;
    return out;
  }
}

export const ctStaticDir = (): string => path.join(getPackageRoot(), 'src', 'embed', 'data');

/** Loads the table from `dir` (default: the one shipped in the package); a clear CtError if it is absent or broken. */
export function loadCtStaticEmbedder(dir = ctStaticDir()): CtStaticEmbedder {
  const bin = path.join(dir, `${CT_STATIC_MODEL}.bin`);
  const json = path.join(dir, `${CT_STATIC_MODEL}.json`);
  try {
    return new CtStaticEmbedder(fs.readFileSync(bin), JSON.parse(fs.readFileSync(json, 'utf8')) as TableMeta);
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as Error).message})`;
    throw new CtError('model-missing', `the embedding model ${CT_STATIC_MODEL} in ${dir} ${reason}`, {
      hint: 'reinstall commontrace, or rebuild the model from a checkout with `npm run build:model` (see bin/model/README.md)',
      exit: ExitCode.index,
      data: { model: CT_STATIC_MODEL, files: [bin, json] },
    });
  }
}
