import { DEFAULT_MODEL } from '../embed/embedder.js';
import type { Store } from '../store/store.js';

/** The embedding model a store's index uses: ct.yml `embedding.model`, else CT_EMBEDDING_MODEL, else the default. */
export function modelFor(store: Store, override?: string): string {
  return override ?? store.config.embedding?.model ?? process.env.CT_EMBEDDING_MODEL ?? DEFAULT_MODEL;
}
