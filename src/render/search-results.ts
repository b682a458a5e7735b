import type { SearchResponse, SearchResult } from '../search/schema.js';
import { injectionWarnings, quoteTrace, UNTRUSTED_NOTICE, warningLine } from './untrusted.js';

/**
 * The text of a search answer for an agent (the MCP `search_traces` tool): a header naming the
 * stores, then each result as a quoted `<trace>` element. Everything taken from a trace (title,
 * tags, id, store, stale notes, body) is inside the element or an escaped attribute of it, so a
 * hostile title cannot close the element or forge a trusted-looking result.
 */
export function renderSearchResults(response: SearchResponse): string {
  const stores = response.stores.map((s) => s.name).join(', ');
  const header =
    response.results.length === 0
      ? `No traces match the query in ${stores}.`
      : `${response.results.length} trace(s) from ${stores}, best first. ${UNTRUSTED_NOTICE}`;
  const omitted = response.budget?.omitted ?? 0;
  const footer =
    omitted > 0
      ? `${omitted} more result(s) did not fit the ${response.budget?.tokens}-token budget: ` +
        'call again with a larger budget, or get_trace for one trace.'
      : undefined;
  const skipped = response.stores.filter((s) => s.error).map((s) => `Store ${s.name} was skipped: ${s.error}`);
  return [
    header,
    ...skipped,
    ...response.results.map((r, i) => renderSearchResult(r, i + 1)),
    ...(footer ? [footer] : []),
  ].join('\n\n');
}

/** One result: a numbered warning line when its text addresses agents, then the quoted trace. */
export function renderSearchResult(result: SearchResult, n: number): string {
  const body =
    result.detail === 'full'
      ? `## Context\n${result.context ?? ''}\n\n## Solution\n${result.solution ?? ''}`
      : result.snippet;
  const warning = warningLine(injectionWarnings([result.title, result.tags.join(' '), body]));
  const element = quoteTrace(
    {
      id: result.id,
      store: result.store,
      trust: trustLabel(result),
      score: result.score.toFixed(2),
      stale: result.stale.join('; '),
      also_in: result.also_in.map((a) => a.store).join(', '),
      detail: result.detail,
    },
    [`Title: ${oneLine(result.title)}`, `Tags: ${result.tags.join(', ')}`, body],
  );
  return warning ? `${n}. ${warning}\n${element}` : element;
}

/** validated/unvalidated, the counted votes, and DISPUTED/DEPRECATED when they apply. */
export function trustLabel(result: Pick<SearchResult, 'trust' | 'status'>): string {
  const { trust } = result;
  return [
    trust.validated ? 'validated' : 'unvalidated',
    trust.up + trust.down > 0 ? `+${trust.up}/-${trust.down}` : '',
    trust.disputed ? `DISPUTED (${trust.flags} flag(s))` : '',
    result.status === 'deprecated' ? 'DEPRECATED' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
