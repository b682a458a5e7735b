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

/**
 * Whether a full build adapts the default table to this store (src/embed/adapt.ts): not for
 * another model, not when ct.yml `embedding.adapt` is false or CT_ADAPT=0, and not for a store
 * whose index is shipped or on object storage (clients embed their queries with the model alone).
 */
export function wantsAdaptation(store: Store, model: string, requested?: boolean): boolean {
  return (
    requested !== false &&
    model === DEFAULT_MODEL &&
    store.config.embedding?.adapt !== false &&
    process.env.CT_ADAPT !== '0' &&
    !store.config.index.shipped &&
    store.config.index.remote === undefined
  );
}
