/** Turns texts into L2-normalised vectors. One instance per process: loading is the slow part. */
export interface Embedder {
  /** Stable id stored in the index state: a different id rebuilds the index. */
  readonly id: string;
  readonly dim: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** The default: CommonTrace's own static embedding, trained by bin/model and shipped in the package (ct-static.ts). */
export const DEFAULT_MODEL = 'ct-static-v3';
/** The previous default: a static table distilled from USE-lite (static.ts); stores that name it keep working. */
export const USE_LITE_STATIC_MODEL = 'use-lite-static-v1';

/** Scales a vector to unit length, in place. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
