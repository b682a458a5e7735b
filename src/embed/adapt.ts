import { createHash } from 'node:crypto';
import { codeBlocks, codeComments, stripCodeComments, withoutCodeBlocks } from '../text/code.js';
import type { Trace } from '../trace/schema.js';
import { embeddingWords } from './token-rows.js';

/**
 * Adapting ct-static-v3 to one store: a short contrastive fine-tune of the table rows that the
 * store's own texts use, on pairs that every trace offers without labels (its title and the rest
 * of it, its prose and its code, the comments in its code and the code without them). The model
 * learns the store's vocabulary (a project's names, its jargon, how its reports are worded).
 * Opt-in (ct.yml `embedding.adapt`, see src/index/model.ts): measured on both dev sets by
 * `npm run bench -- eval-search` (see the README), it lifts the vector side of both and the hybrid
 * of the code-search set, not of the bug-report set.
 *
 * The recipe was chosen on the dev sets and is fixed: in-batch negatives (InfoNCE, both
 * directions, temperature 0.05), Adam at 2e-3, batches of 256 pairs, one pass over up to 15,360
 * sampled pairs and never fewer than 40 steps; a store with fewer than 512 pairs is not adapted
 * (too little to learn from without forgetting).
 */
export const ADAPT = {
  batch: 256,
  tau: 0.05,
  lr: 2e-3,
  minSteps: 40,
  maxSteps: 60,
  minPairs: 512,
  seed: 7,
} as const;

/** A pair of texts of one trace that should embed close together. */
export type TextPair = readonly [string, string];

/** The trainable view of a static table: its rows as floats, and how a text weighs them. */
export interface AdaptableTable {
  readonly dim: number;
  /** Row -> total weight of that row in the text (the embedder's own tokenisation). */
  weighRows(text: string): Map<number, number>;
  /** Row `row` as floats (scale x int8), written into `out`. */
  readRow(row: number, out: Float32Array): void;
}

/** Rows of the table replaced for one store, int8 with a scale per row as in the table itself. */
export interface Adaptation {
  dim: number;
  rows: Uint32Array;
  scales: Float32Array;
  q: Int8Array;
}

export interface AdaptReport {
  pairs: number;
  steps: number;
  rows: number;
  /** Mean in-batch loss of the first and the last step: learning shows as a drop. */
  loss: [number, number];
  ms: number;
}

const MIN_WORDS = 3;

/** The self-supervised pairs of one trace (none when a side is too short to say anything). */
export function tracePairs(trace: Pick<Trace, 'title' | 'tags' | 'sections' | 'body'>): TextPair[] {
  const pairs: TextPair[] = [];
  const enough = (text: string, min = MIN_WORDS) => embeddingWords(text).length >= min;
  const rest = [trace.tags.join(' '), trace.sections.context, trace.sections.solution.slice(0, 600)].join('\n');
  if (enough(trace.title, 2) && enough(rest)) pairs.push([trace.title, rest]);
  const code = codeBlocks(trace.body);
  if (code) {
    const prose = withoutCodeBlocks(trace.body);
    if (enough(prose, 5) && enough(code, 5)) pairs.push([prose, code]);
    const comments = codeComments(code);
    const bare = stripCodeComments(code);
    if (enough(comments) && enough(bare)) pairs.push([comments, bare]);
  }
  return pairs;
}

/** mulberry32: a small seeded generator, so the same pairs give the same table on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One text as compact row indices and weights. */
interface Sparse {
  rows: Int32Array;
  weights: Float32Array;
}

/**
 * Fine-tunes the rows `pairs` use and returns them (undefined below ADAPT.minPairs). `pairs` must
 * come in a stable order (e.g. by trace id): sampling is seeded, so equal input gives an equal table.
 */
export function adaptTable(
  table: AdaptableTable,
  pairs: readonly TextPair[],
): { adaptation: Adaptation; report: AdaptReport } | undefined {
  if (pairs.length < ADAPT.minPairs) return undefined;
  const started = performance.now();
  const { batch: B, tau, lr } = ADAPT;
  const d = table.dim;
  const steps = Math.min(ADAPT.maxSteps, Math.max(ADAPT.minSteps, Math.ceil(pairs.length / B)));
  // A shuffled order, cycled: one pass over the sample when the store is big, repeats when small.
  const next = random(ADAPT.seed);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const used = order.slice(0, Math.min(order.length, steps * B));

  // Compact ids for the rows the sample touches: only those are trained (and kept in memory).
  const compact = new Map<number, number>();
  const encode = (text: string): Sparse => {
    const weighed = table.weighRows(text);
    const rows = new Int32Array(weighed.size);
    const weights = new Float32Array(weighed.size);
    let k = 0;
    for (const [row, weight] of weighed) {
      let c = compact.get(row);
      if (c === undefined) compact.set(row, (c = compact.size));
      rows[k] = c;
      weights[k++] = weight;
    }
    return { rows, weights };
  };
  const encoded = used.map((i) => [encode((pairs[i] as TextPair)[0]), encode((pairs[i] as TextPair)[1])] as const);
  const n = compact.size;
  const tableRows = new Uint32Array(n);
  for (const [row, c] of compact) tableRows[c] = row;
  const E = new Float32Array(n * d);
  const scratch = new Float32Array(d);
  for (let c = 0; c < n; c++) {
    table.readRow(tableRows[c] as number, scratch);
    E.set(scratch, c * d);
  }
  const grad = new Float32Array(n * d);
  const m = new Float32Array(n * d);
  const v = new Float32Array(n * d);
  const touched = new Uint8Array(n);
  const touchedList: number[] = [];
  const stepMark = new Int32Array(n);
  let stepList: number[] = [];
  let stepNo = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;

  const Ua = new Float32Array(B * d);
  const Ub = new Float32Array(B * d);
  const Na = new Float32Array(B);
  const Nb = new Float32Array(B);
  const S = new Float64Array(B * B);
  const dUa = new Float32Array(B * d);
  const dUb = new Float32Array(B * d);
  const UaT = new Float32Array(B * d);
  const UbT = new Float32Array(B * d);
  const forward = (text: Sparse, U: Float32Array, N: Float32Array, i: number) => {
    const out = i * d;
    U.fill(0, out, out + d);
    for (let k = 0; k < text.rows.length; k++)
      addScaled(U, out, E, (text.rows[k] as number) * d, text.weights[k] as number, d);
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (U[out + j] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    N[i] = norm;
    for (let j = 0; j < d; j++) U[out + j] = (U[out + j] as number) / norm;
  };
  /** Back through the normalisation into the rows' gradient. */
  const backward = (text: Sparse, U: Float32Array, dU: Float32Array, N: Float32Array, i: number) => {
    const out = i * d;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += (U[out + j] as number) * (dU[out + j] as number);
    const norm = N[i] as number;
    for (let j = 0; j < d; j++) scratch[j] = ((dU[out + j] as number) - (U[out + j] as number) * dot) / norm;
    for (let k = 0; k < text.rows.length; k++) {
      const c = text.rows[k] as number;
      const w = text.weights[k] as number;
      if (!touched[c]) {
        touched[c] = 1;
        touchedList.push(c);
      }
      if (stepMark[c] !== stepNo) {
        stepMark[c] = stepNo;
        stepList.push(c);
      }
      addScaled(grad, c * d, scratch, 0, w, d);
    }
  };

  let firstLoss = 0;
  let lastLoss = 0;
  let cursor = 0;
  for (let step = 1; step <= steps; step++) {
    const size = Math.min(B, encoded.length);
    const members: (typeof encoded)[number][] = [];
    for (let i = 0; i < size; i++) members.push(encoded[cursor++ % encoded.length] as (typeof encoded)[number]);
    members.forEach(([a, b], i) => {
      forward(a, Ua, Na, i);
      forward(b, Ub, Nb, i);
    });
    for (let i = 0; i < size; i++) for (let k = 0; k < size; k++) S[i * size + k] = dot(Ua, i * d, Ub, k * d, d) / tau;
    // Symmetric InfoNCE: each a picks its b among the batch's, and each b its a.
    // dS = (softmax over rows - I + softmax over columns - I) / (2 size).
    const dS = new Float64Array(size * size);
    let loss = 0;
    for (let i = 0; i < size; i++) {
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, S[i * size + k] as number);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += Math.exp((S[i * size + k] as number) - max);
      loss += Math.log(sum) + max - (S[i * size + i] as number);
      for (let k = 0; k < size; k++)
        dS[i * size + k] = (dS[i * size + k] as number) + Math.exp((S[i * size + k] as number) - max) / sum;
      dS[i * size + i] = (dS[i * size + i] as number) - 1;
    }
    for (let k = 0; k < size; k++) {
      let max = -Infinity;
      for (let i = 0; i < size; i++) max = Math.max(max, S[i * size + k] as number);
      let sum = 0;
      for (let i = 0; i < size; i++) sum += Math.exp((S[i * size + k] as number) - max);
      loss += Math.log(sum) + max - (S[k * size + k] as number);
      for (let i = 0; i < size; i++)
        dS[i * size + k] = (dS[i * size + k] as number) + Math.exp((S[i * size + k] as number) - max) / sum;
      dS[k * size + k] = (dS[k * size + k] as number) - 1;
    }
    loss /= 2 * size;
    if (step === 1) firstLoss = loss;
    lastLoss = loss;
    // dUa = G Ub and dUb = G' Ua (G = dS / (2 size tau)), as dot products over transposed
    // operands: contiguous reads, ~3x faster in V8 than row updates.
    const scale = 1 / (2 * size * tau);
    const G = new Float32Array(size * size);
    const Gt = new Float32Array(size * size);
    for (let i = 0; i < size; i++)
      for (let k = 0; k < size; k++) {
        const g = (dS[i * size + k] as number) * scale;
        G[i * size + k] = g;
        Gt[k * size + i] = g;
      }
    transpose(Ub, UbT, size, d);
    transpose(Ua, UaT, size, d);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < d; j++) {
        dUa[i * d + j] = dot(G, i * size, UbT, j * size, size);
        dUb[i * d + j] = dot(Gt, i * size, UaT, j * size, size);
      }
    // Only the rows the last step wrote hold a gradient.
    for (const c of stepList) grad.fill(0, c * d, c * d + d);
    stepList = [];
    stepNo = step;
    members.forEach(([a, b], i) => {
      backward(a, Ua, dUa, Na, i);
      backward(b, Ub, dUb, Nb, i);
    });
    // Adam over every row touched so far (a row out of this batch still moves on its momentum,
    // as a dense optimiser would move it).
    // E -= lr m^ / (sqrt(v^) + eps), with m^ = m / c1 and v^ = v / c2 folded into two constants.
    const stepSize = lr / (1 - beta1 ** step);
    const root2 = 1 / Math.sqrt(1 - beta2 ** step);
    for (const c of touchedList) {
      const base = c * d;
      for (let j = base; j < base + d; j++) {
        const g = grad[j] as number;
        const mj = beta1 * (m[j] as number) + (1 - beta1) * g;
        const vj = beta2 * (v[j] as number) + (1 - beta2) * g * g;
        m[j] = mj;
        v[j] = vj;
        E[j] = (E[j] as number) - (stepSize * mj) / (Math.sqrt(vj) * root2 + eps);
      }
    }
  }

  // The trained rows, quantised as the table is: int8 with a per-row scale (max |x| / 127).
  touchedList.sort((a, b) => (tableRows[a] as number) - (tableRows[b] as number));
  const count = touchedList.length;
  const rows = new Uint32Array(count);
  const scales = new Float32Array(count);
  const q = new Int8Array(count * d);
  touchedList.forEach((c, k) => {
    rows[k] = tableRows[c] as number;
    let max = 0;
    for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(E[c * d + j] as number));
    const s = max / 127 || 1;
    scales[k] = max === 0 ? 0 : s;
    for (let j = 0; j < d; j++) q[k * d + j] = Math.round((E[c * d + j] as number) / s);
  });
  return {
    adaptation: { dim: d, rows, scales, q },
    report: {
      pairs: used.length,
      steps,
      rows: count,
      loss: [Number(firstLoss.toFixed(4)), Number(lastLoss.toFixed(4))],
      ms: Math.round(performance.now() - started),
    },
  };
}

/** a[ai..ai+n) . b[bi..bi+n), four sums at a time (V8 keeps them in registers). */
function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += (a[ai + j] as number) * (b[bi + j] as number);
    s1 += (a[ai + j + 1] as number) * (b[bi + j + 1] as number);
    s2 += (a[ai + j + 2] as number) * (b[bi + j + 2] as number);
    s3 += (a[ai + j + 3] as number) * (b[bi + j + 3] as number);
  }
  for (; j < n; j++) s0 += (a[ai + j] as number) * (b[bi + j] as number);
  return s0 + s1 + s2 + s3;
}

/** out[oi..oi+n) += w x src[si..si+n), unrolled by four. */
function addScaled(out: Float32Array, oi: number, src: Float32Array, si: number, w: number, n: number): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    out[oi + j] = (out[oi + j] as number) + w * (src[si + j] as number);
    out[oi + j + 1] = (out[oi + j + 1] as number) + w * (src[si + j + 1] as number);
    out[oi + j + 2] = (out[oi + j + 2] as number) + w * (src[si + j + 2] as number);
    out[oi + j + 3] = (out[oi + j + 3] as number) + w * (src[si + j + 3] as number);
  }
  for (; j < n; j++) out[oi + j] = (out[oi + j] as number) + w * (src[si + j] as number);
}

/** xT (dim x n) = x (n x dim) transposed. */
function transpose(x: Float32Array, xT: Float32Array, n: number, dim: number): void {
  for (let k = 0; k < n; k++) for (let j = 0; j < dim; j++) xT[j * n + k] = x[k * dim + j] as number;
}

const MAGIC = 'CTA1';
const HEADER_BYTES = 16;

/** The file an adaptation is kept in: magic, row count, dim, then rows (u32), scales (f32), int8 rows. */
export function serializeAdaptation(a: Adaptation): Buffer {
  const count = a.rows.length;
  const out = Buffer.alloc(HEADER_BYTES + count * 8 + count * a.dim);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(a.dim, 12);
  Buffer.from(a.rows.buffer, a.rows.byteOffset, a.rows.byteLength).copy(out, HEADER_BYTES);
  Buffer.from(a.scales.buffer, a.scales.byteOffset, a.scales.byteLength).copy(out, HEADER_BYTES + count * 4);
  Buffer.from(a.q.buffer, a.q.byteOffset, a.q.byteLength).copy(out, HEADER_BYTES + count * 8);
  return out;
}

export function parseAdaptation(buffer: Buffer): Adaptation {
  if (buffer.byteLength < HEADER_BYTES || buffer.toString('ascii', 0, 4) !== MAGIC)
    throw new Error('not a table adaptation (bad magic)');
  const count = buffer.readUInt32LE(8);
  const dim = buffer.readUInt32LE(12);
  if (buffer.byteLength !== HEADER_BYTES + count * (8 + dim))
    throw new Error(`adaptation is ${buffer.byteLength} bytes, expected ${HEADER_BYTES + count * (8 + dim)}`);
  const copy = new Uint8Array(buffer).buffer;
  return {
    dim,
    rows: new Uint32Array(copy, HEADER_BYTES, count),
    scales: new Float32Array(copy, HEADER_BYTES + count * 4, count),
    q: new Int8Array(copy, HEADER_BYTES + count * 8, count * dim),
  };
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
