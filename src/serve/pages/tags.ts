import type { TagCount } from '../../store/tags.js';
import { type Html, html, page } from '../html.js';
import type { TaggedTrace } from '../tagged.js';

/** The tag browser: every tag of the served stores with its count, most used first. */
export function tagsPage(stores: { store: string; traces: number; tags: TagCount[] }[], signIn: boolean): Html {
  const merged = new Map<string, number>();
  for (const s of stores) for (const t of s.tags) merged.set(t.tag, (merged.get(t.tag) ?? 0) + t.count);
  const tags = [...merged].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = stores.reduce((sum, s) => sum + s.traces, 0);
  return page(
    { title: 'Tags', nav: 'tags', signIn },
    html`<h1>Tags</h1>
<p class="hint">${tags.length} tags over ${total} traces in ${stores.map((s) => s.store).join(', ')}.</p>
<ul class="tag-cloud">${tags.map(
      ([tag, count]) =>
        html`<li><a class="tag" href="/?tag=${encodeURIComponent(tag)}">${tag}</a> <span class="count">${count}</span></li>`,
    )}</ul>`,
  );
}

/** The traces having one tag (the search page with a tag and no query). */
export function taggedList(tag: string, traces: readonly TaggedTrace[]): Html {
  if (traces.length === 0) return html`<p class="hint">No trace has the tag ${tag}.</p>`;
  return html`<p class="count">${traces.length} trace(s) tagged ${tag}.</p>
<ul class="tagged">${traces.map(
    (t) =>
      html`<li><a href="/trace/${encodeURIComponent(t.id)}?store=${encodeURIComponent(t.store)}">${t.title}</a> <span class="store">${t.store}</span>${
        t.status === 'deprecated' ? html` <span class="trust">DEPRECATED</span>` : ''
      }</li>`,
  )}</ul>`;
}
