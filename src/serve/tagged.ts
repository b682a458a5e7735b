import { type ReadyOptions, readIndex } from '../index/ready.js';
import { normalizeTag } from '../store/config.js';
import type { Store } from '../store/store.js';
import type { TagCount } from '../store/tags.js';

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

/** Tag counts over the served stores from their indexes (one column read, no trace file parsed), most used first. */
export async function countIndexedTags(stores: readonly Store[], options: ReadyOptions = {}): Promise<TagCount[]> {
  const counts = new Map<string, number>();
  for (const store of stores) {
    const { result } = await readIndex(store, options, async ({ table }) =>
      table ? ((await table.query().select(['tags']).toArray()) as { tags: string[] }[]) : [],
    );
    for (const row of result) for (const tag of row.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}
