import { CtError, ExitCode } from '../errors.js';

/** Turns texts into L2-normalised vectors. One instance per process: loading is the slow part. */
export interface Embedder {
  /** Stable id stored in the index state: a different id rebuilds the index. */
  readonly id: string;
  readonly dim: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** The default: CommonTrace's own static embedding, trained by bin/model and shipped in the package (ct-static.ts). */
export const DEFAULT_MODEL = 'ct-static-v2';
/** The previous default: a static table distilled from USE-lite (static.ts); stores that name it keep working. */
export const USE_LITE_STATIC_MODEL = 'use-lite-static-v1';

const cache = new Map<string, Promise<Embedder>>();

/**
 * The embedder for a model id: `ct-static-v2` (default, offline, fast), `use-lite-static-v1` (the
 * previous default), `use-lite` (Universal Sentence Encoder lite from npm, offline, slow), or `transformers:<folder-or-hub-id>`
 * (a transformers.js feature-extraction model; a local folder works offline).
 */
export function loadEmbedder(model: string = DEFAULT_MODEL): Promise<Embedder> {
  let pending = cache.get(model);
  if (!pending) {
    pending = createEmbedder(model);
    cache.set(model, pending);
    pending.catch(() => cache.delete(model));
  }
  return pending;
}

async function createEmbedder(model: string): Promise<Embedder> {
  if (model === DEFAULT_MODEL) return (await import('./ct-static.js')).loadCtStaticEmbedder();
  if (model === USE_LITE_STATIC_MODEL) return (await import('./static.js')).loadStaticEmbedder();
  if (model === 'use-lite') return (await import('./use-lite.js')).loadUseLiteEmbedder();
  if (model.startsWith('transformers:'))
    return (await import('./transformers.js')).loadTransformersEmbedder(model.slice('transformers:'.length));
  throw new CtError('unknown-model', `unknown embedding model "${model}"`, {
    hint: `use ${DEFAULT_MODEL} (default), ${USE_LITE_STATIC_MODEL}, use-lite, or transformers:<model folder or hub id>`,
    exit: ExitCode.usage,
  });
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
