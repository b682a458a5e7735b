import path from 'node:path';
import { DEFAULT_MODEL } from '../embed/embedder.js';
import type { Store } from '../store/store.js';

/** The embedding model a store's index uses: ct.yml `embedding.model`, else CT_EMBEDDING_MODEL, else the default. */
export function modelFor(store: Store, override?: string): string {
  const model = override ?? store.config.embedding?.model ?? process.env.CT_EMBEDDING_MODEL ?? DEFAULT_MODEL;
  // A relative model folder in ct.yml is relative to the store, wherever ct runs from.
  const folder = /^transformers:(\.{1,2}\/.*)$/.exec(model)?.[1];
  return folder && !override && store.config.embedding?.model === model
    ? `transformers:${path.resolve(store.root, folder)}`
    : model;
}

/**
 * The model id as the store names it (a relative model folder stays relative): what a shipped
 * index's manifest records, so that it compares equal on every clone wherever it lives.
 */
export function configuredModel(store: Store): string {
  return store.config.embedding?.model ?? process.env.CT_EMBEDDING_MODEL ?? DEFAULT_MODEL;
}
