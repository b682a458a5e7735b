import { trustLabel } from '../../render/search-results.js';
import { injectionWarnings, warningLine } from '../../render/untrusted.js';
import type { SearchResponse, SearchResult } from '../../search/schema.js';
import { type Html, html, page } from '../html.js';

export interface SearchPageInput {
  query: string;
  tag: string;
  /** Tags for the tag filter's suggestions, most used first. */
  tags: readonly string[];
  /** The results section: searchResults(), or the tag's traces when there is no query. */
  results: Html;
  signIn?: boolean;
}

/** The search page: the form (a plain GET form, so it works without JavaScript) and the results. */
export function searchPage(input: SearchPageInput): Html {
  const title = input.query ? `${input.query} - search` : 'Search';
  return page(
    { title, nav: 'search', script: true, signIn: input.signIn ?? false },
    html`<form class="search" action="/" method="get" role="search">
<label class="visually-hidden" for="q">Search traces</label>
<input id="q" name="q" type="search" value="${input.query}" placeholder="An error message, or a task and its library" autocomplete="off" autofocus>
<label class="visually-hidden" for="tag">Tag</label>
<input id="tag" name="tag" type="text" value="${input.tag}" placeholder="tag" list="tag-list" autocomplete="off">
<datalist id="tag-list">${input.tags.map((t) => html`<option value="${t}"></option>`)}</datalist>
<button type="submit">Search</button>
</form>
<section id="results" aria-live="polite">${input.results}</section>`,
  );
}

/** The results section alone: the search page's script swaps it in as the user types. */
export function searchResults(response: SearchResponse | undefined, error?: string): Html {
  if (error) return html`<p class="error">${error}</p>`;
  if (!response) return html`<p class="hint">Search by error message, task or library; filter by tag.</p>`;
  const stores = response.stores.map((s) => s.name).join(', ');
  const skipped = response.stores.filter((s) => s.error);
  const summary =
    response.results.length === 0
      ? html`<p class="hint">No traces match in ${stores}.</p>`
      : html`<p class="count">${response.results.length} of ${response.total_candidates} match(es) in ${stores}, best first.</p>`;
  return html`${summary}${skipped.map((s) => html`<p class="warning">Store ${s.name} was skipped: ${s.error}</p>`)}
<ol class="results">${response.results.map(resultItem)}</ol>`;
}

function resultItem(result: SearchResult): Html {
  const warning = warningLine(injectionWarnings([result.title, result.tags.join(' '), result.snippet]));
  const href = `/trace/${encodeURIComponent(result.id)}?store=${encodeURIComponent(result.store)}`;
  return html`<li class="result${result.trust.disputed ? ' disputed' : ''}">
<a class="title" href="${href}">${result.title}</a>
<div class="meta"><span class="store">${result.store}</span>${result.tags.map(
    (t) => html` <a class="tag" href="/?tag=${encodeURIComponent(t)}">${t}</a>`,
  )} <span class="trust">${trustLabel(result)}</span> <span class="score">score ${result.score.toFixed(2)}</span></div>
${warning ? html`<p class="warning">${warning}</p>` : ''}
${result.stale.length ? html`<p class="stale">Possibly stale: ${result.stale.join('; ')}</p>` : ''}
${result.also_in.length ? html`<p class="also">Also in ${result.also_in.map((a) => a.store).join(', ')}</p>` : ''}
<p class="snippet">${result.snippet}</p>
${whyDetails(result)}
</li>`;
}

/** The ranking explained, as `ct search --json` gives it in `why`. */
function whyDetails(result: SearchResult): Html {
  const { why } = result;
  return html`<details class="why"><summary>Why this result</summary><dl>
<dt>Matched terms</dt><dd>${why.matched_terms.join(', ') || 'none'}</dd>
<dt>Full text (BM25)</dt><dd>${why.lexical ? `rank ${why.lexical.rank}, score ${why.lexical.score}` : 'no match'}</dd>
<dt>Embedding</dt><dd>${why.vector ? `rank ${why.vector.rank}, similarity ${why.vector.similarity}` : 'not among the nearest'}</dd>
${why.query_coverage !== null ? html`<dt>Query coverage</dt><dd>${why.query_coverage}</dd>` : ''}
<dt>Relevance</dt><dd>${why.relevance} (store weight ${why.store_weight})</dd>
${why.adjustments.map((a) => html`<dt>${a.factor}</dt><dd>${a.delta >= 0 ? '+' : ''}${a.delta}: ${a.reason}</dd>`)}
</dl></details>`;
}
