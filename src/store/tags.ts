import { loadTraces } from './load.js';

export interface TagCount {
  tag: string;
  count: number;
}

/** Tags of the valid traces of a store, most used first (ties alphabetical). */
export async function countTags(root: string): Promise<{ tags: TagCount[]; traces: number; skipped: number }> {
  const { traces, problems } = await loadTraces(root);
  const counts = new Map<string, number>();
  for (const trace of traces) for (const tag of trace.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const tags = [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  return { tags, traces: traces.length, skipped: new Set(problems.map((p) => p.file)).size };
}
