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
 * Whether a full build adapts the default table to this store (src/embed/adapt.ts). Off unless
 * ct.yml says `embedding.adapt: true` (or CT_ADAPT=1, to try it without editing the store; CT_ADAPT=0
 * turns it off): measured without the queries' own reports in the training pairs, it helps a
 * code-search set and hurts a bug-report one (README, "How search works"), so a store opts in after
 * `ct eval` says it helps there. Never for another model, nor for a store whose index is shipped or
 * on object storage (clients embed their queries with the model alone).
 */
export function wantsAdaptation(store: Store, model: string, requested?: boolean): boolean {
  const asked = process.env.CT_ADAPT === '1' || store.config.embedding?.adapt === true;
  return (
    requested !== false &&
    asked &&
    model === DEFAULT_MODEL &&
    process.env.CT_ADAPT !== '0' &&
    !store.config.index.shipped &&
    store.config.index.remote === undefined
  );
}
