import type { SearchResponse, SearchResult } from './schema.js';

/** Tokens of a text for a budget: ~4 characters a token, the usual rule for English and code. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * Fits results into a token budget, best first: whole traces (context and solution) while they
 * fit, then snippets (always snippets with `detail: 'snippet'`); what fits in neither is left out
 * and counted. The response's own fields count toward the budget.
 */
export function applyBudget(
  response: SearchResponse,
  budget: number,
  detail: 'snippet' | 'full' | undefined = undefined,
): SearchResponse {
  let used = estimateTokens(JSON.stringify({ ...response, results: [] }));
  const kept: SearchResult[] = [];
  let omitted = 0;
  for (const result of response.results) {
    const { context: _c, solution: _s, ...short } = result;
    const brief: SearchResult = { ...short, detail: 'snippet' };
    const full = estimateTokens(JSON.stringify({ ...result, detail: 'full' }));
    const briefCost = estimateTokens(JSON.stringify(brief));
    if (detail !== 'snippet' && result.context !== undefined && used + full <= budget) {
      kept.push({ ...result, detail: 'full' });
      used += full;
    } else if (used + briefCost <= budget) {
      kept.push(brief);
      used += briefCost;
    } else omitted++;
  }
  return { ...response, results: kept, budget: { tokens: budget, used, omitted } };
}
