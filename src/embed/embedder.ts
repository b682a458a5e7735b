import { CtError, ExitCode } from '../errors.js';
import { DEFAULT_MODEL, type Embedder, USE_LITE_STATIC_MODEL } from './embedding.js';

export { DEFAULT_MODEL, type Embedder, USE_LITE_STATIC_MODEL } from './embedding.js';

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
