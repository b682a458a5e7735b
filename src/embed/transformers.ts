import type { Embedder } from './embedder.js';
import { CtError, ExitCode } from '../errors.js';

/** Placeholder until the transformers.js embedder lands: a clear error instead of a crash. */
export async function loadTransformersEmbedder(model: string): Promise<Embedder> {
  throw new CtError('model-unavailable', `transformers.js models are not supported yet (asked for "${model}")`, { hint: 'use the default model (use-lite-static-v1) or use-lite', exit: ExitCode.usage });
}
