import { loadEmbedder } from '../embed/embedder.js';
import { titleTokens } from '../check/similar-titles.js';
import { embeddingText } from '../index/document.js';
import { modelFor } from '../index/model.js';
import { searchStore } from '../search/search.js';
import type { Store } from '../store/store.js';

export interface DuplicateCandidate {
  id: string;
  title: string;
  path: string;
  similarity: number;
}

/** Above this, a contribution is treated as a near-duplicate and needs --force. */
export const DUPLICATE_THRESHOLD = 0.85;

/**
 * Traces already in the store that look like the same problem: the top search hits for the new
 * title and context, scored by the larger of title token overlap (Jaccard) and the cosine
 * similarity of their embeddings.
 */
export async function findNearDuplicates(store: Store, draft: { title: string; tags: string[]; context: string; solution: string }, log?: (m: string) => void): Promise<DuplicateCandidate[]> {
  const query = `${draft.title} ${draft.context.slice(0, 300)}`.slice(0, 1000);
  const response = await searchStore(store, { query, limit: 5, budget: 100_000 }, { ...(log ? { log } : {}) });
  if (response.results.length === 0) return [];
  const embedder = await loadEmbedder(modelFor(store));
  const texts = [embeddingText({ ...draft, sections: { context: draft.context, solution: draft.solution } }), ...response.results.map((r) => embeddingText({ title: r.title, tags: r.tags, sections: { context: r.context ?? '', solution: r.solution ?? '' } }))];
  const [mine, ...theirs] = await embedder.embed(texts);
  const myTokens = new Set(titleTokens(draft.title));
  return response.results
    .map((r, i) => {
      const other = new Set(titleTokens(r.title));
      const shared = [...myTokens].filter((t) => other.has(t)).length;
      const jaccard = shared / (myTokens.size + other.size - shared || 1);
      const cosine = dot(mine as Float32Array, theirs[i] as Float32Array);
      return { id: r.id, title: r.title, path: r.path, similarity: Math.round(Math.max(jaccard, cosine) * 100) / 100 };
    })
    .filter((c) => c.similarity >= DUPLICATE_THRESHOLD)
    .sort((a, b) => b.similarity - a.similarity);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
