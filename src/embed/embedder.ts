import { readFile } from 'node:fs/promises';
import { CtError, ExitCode } from '../errors.js';
import { DEFAULT_MODEL, type Embedder, USE_LITE_STATIC_MODEL } from './embedding.js';

export { DEFAULT_MODEL, type Embedder, USE_LITE_STATIC_MODEL } from './embedding.js';

const cache = new Map<string, Promise<Embedder>>();
/** Adapted tables by `model#sha256`, least recently used first (see ADAPTED_KEPT). */
const adaptedCache = new Map<string, Promise<Embedder>>();

/** A store's adapted rows for the default table (see adapt.ts): the file in its index folder and its sha256. */
export interface AdaptationRef {
  path: string;
  sha256: string;
}

/**
 * The embedder for a model id: `ct-static-v3` (default, offline, fast), `use-lite-static-v1` (the
 * previous default), `use-lite` (Universal Sentence Encoder lite from npm, offline, slow), or `transformers:<folder-or-hub-id>`
 * (a transformers.js feature-extraction model; a local folder works offline).
 */
export function loadEmbedder(model: string = DEFAULT_MODEL, adaptation?: AdaptationRef): Promise<Embedder> {
  if (adaptation) return loadAdapted(model, adaptation);
  let pending = cache.get(model);
  if (!pending) {
    pending = createEmbedder(model);
    cache.set(model, pending);
    pending.catch(() => cache.delete(model));
  }
  return pending;
}

/**
 * Adapted tables a long-running process keeps (~9 MB each): enough for every adapted store of a
 * federation, while a store re-adapted at each full build does not pile up its old tables.
 */
const ADAPTED_KEPT = 4;

function loadAdapted(model: string, adaptation: AdaptationRef): Promise<Embedder> {
  const key = `${model}#${adaptation.sha256}`;
  const pending = adaptedCache.get(key) ?? createAdapted(model, adaptation);
  // Most recently used last, so the eviction drops the table no index has asked for longest.
  adaptedCache.delete(key);
  adaptedCache.set(key, pending);
  pending.catch(() => adaptedCache.delete(key));
  for (const old of [...adaptedCache.keys()].slice(0, Math.max(0, adaptedCache.size - ADAPTED_KEPT)))
    adaptedCache.delete(old);
  return pending;
}

async function createAdapted(model: string, ref: AdaptationRef): Promise<Embedder> {
  if (model !== DEFAULT_MODEL)
    throw new CtError('index-adaptation', `an adapted index needs ${DEFAULT_MODEL}, not ${model}`, {
      hint: 'rebuild the index: `ct index --full`',
      exit: ExitCode.index,
    });
  const { parseAdaptation } = await import('./adapt.js');
  const base = await loadEmbedder(model);
  try {
    const adaptation = parseAdaptation(await readFile(ref.path));
    return (base as import('./ct-static.js').CtStaticEmbedder).withAdaptation(adaptation);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : (e as Error).message;
    throw new CtError('index-adaptation', `the index's adapted embedding table ${ref.path} ${reason}`, {
      hint: 'rebuild the index: `ct index --full`',
      exit: ExitCode.index,
      data: { file: ref.path },
    });
  }
}

/** Tables retired by a retrained one: no vector they computed is comparable with its successor's. */
const RETIRED_MODELS: Record<string, string> = { 'ct-static-v2': DEFAULT_MODEL };

async function createEmbedder(model: string): Promise<Embedder> {
  const successor = RETIRED_MODELS[model];
  if (successor)
    throw new CtError(
      'unknown-model',
      `the embedding model "${model}" was retrained as ${successor} and is no longer shipped`,
      {
        hint: `remove embedding.model from ct.yml (the default is ${successor}) or set it to ${successor}; the index is rebuilt with it`,
        exit: ExitCode.usage,
        data: { model, successor },
      },
    );
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
