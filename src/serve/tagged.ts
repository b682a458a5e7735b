import { type ReadyOptions, readIndex } from '../index/ready.js';
import { normalizeTag } from '../store/config.js';
import type { Store } from '../store/store.js';

export interface TaggedTrace {
  store: string;
  id: string;
  title: string;
  tags: string[];
  status: string;
}

/** At most this many traces per store on a tag's page. */
const MAX_PER_STORE = 500;

/**
 * The traces having a tag, from each store's index (a filter, not a search: the tag browser lists
 * them all, by title). The tag is normalised with each store's aliases, as search does.
 */
export async function listTaggedTraces(
  stores: readonly Store[],
  tag: string,
  options: ReadyOptions = {},
): Promise<TaggedTrace[]> {
  const lists = await Promise.all(
    stores.map(async (store) => {
      const wanted = normalizeTag(tag, store.config.tags.aliases).replace(/'/g, "''");
      const { result } = await readIndex(store, options, async ({ table }) =>
        table
          ? ((await table
              .query()
              .where(`array_has(tags, '${wanted}')`)
              .select(['id', 'title', 'tags', 'status'])
              .limit(MAX_PER_STORE)
              .toArray()) as { id: string; title: string; tags: string[]; status: string }[])
          : [],
      );
      return result.map((r) => ({ store: store.name, id: r.id, title: r.title, tags: [...r.tags], status: r.status }));
    }),
  );
  return lists.flat().sort((a, b) => a.title.localeCompare(b.title) || a.store.localeCompare(b.store));
}
