import { z } from 'zod';
import { TrustSummarySchema } from '../trust/signals.js';
import { CODE_LEXICAL_SHIFT, LEXICAL_WEIGHT } from './rank.js';

/** What a search takes, at every edge: `ct search`, the MCP `search_traces` tool, the hook, the duplicate check. */
export const SearchInputSchema = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'the query is empty')
    .max(1000, 'a query has at most 1,000 characters')
    .describe('What you are stuck on: the exact error message, or the task and the API/library names.'),
  tags: z
    .array(z.string().min(1).max(40))
    .max(10)
    .default([])
    .describe('Only traces having every one of these tags, e.g. ["docker-compose", "postgresql"].'),
  limit: z.number().int().min(1).max(100).default(5).describe('The most results to return (default 5).'),
  budget: z
    .number()
    .int()
    .min(50)
    .max(100_000)
    .optional()
    .describe('A token budget for the answer: whole traces while they fit, best first, then snippets.'),
  detail: z
    .enum(['snippet', 'full'])
    .optional()
    .describe('snippet: results carry the best-matching passage; full: also the whole context and solution.'),
});
export type SearchInput = z.input<typeof SearchInputSchema>;
export type SearchOptions = z.output<typeof SearchInputSchema>;

export const WhySchema = z.object({
  matched_terms: z.array(z.string()).describe('Query terms found in the trace (after code-aware tokenisation).'),
  lexical: z
    .object({ rank: z.number().int(), score: z.number() })
    .nullable()
    .describe('Full-text (BM25) rank and score, or null when the trace was not a full-text hit.'),
  vector: z
    .object({ rank: z.number().int(), similarity: z.number() })
    .nullable()
    .describe('Embedding rank and cosine similarity, or null.'),
  relevance: z
    .number()
    .describe(
      `Fused relevance: lexical_weight (default ${LEXICAL_WEIGHT}) x normalised BM25 + the rest x normalised ` +
        'similarity, times the store weight.',
    ),
  lexical_weight: z
    .number()
    .optional()
    .describe(
      `The weight of BM25 in this trace's fusion (the rest goes to similarity): the store's ct.yml ` +
        `search.lexical_weight, else ${LEXICAL_WEIGHT} (0.5 with an adapted embedding), lowered by ` +
        `${CODE_LEXICAL_SHIFT} x code_share with the default embedding (not adapted).`,
    ),
  code_share: z
    .number()
    .optional()
    .describe(
      "The share of the trace's context and solution in fenced code blocks (0-1): BM25 misses more on code, " +
        'so a trace that is mostly code leans more on the embedding.',
    ),
  query_coverage: z
    .number()
    .nullable()
    .describe(
      'With several stores: the share of the query terms the trace contains, which multiplies the relevance ' +
        '(BM25 scores of different stores are not comparable); null with one store.',
    ),
  store_weight: z
    .number()
    .describe("The weight of the trace's store (`ct store add --weight`, default 1): relevance is multiplied by it."),
  adjustments: z
    .array(z.object({ factor: z.string(), delta: z.number(), reason: z.string() }))
    .describe('Trust, validation, freshness and dispute adjustments added to the relevance.'),
});

export const SearchResultSchema = z.object({
  store: z.string().describe('The store the trace is in.'),
  id: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  path: z.string().describe('Path of the trace file in the store.'),
  created: z.string(),
  status: z.string(),
  applies_to: z.record(z.string(), z.string()),
  score: z.number().describe('Final score: relevance plus adjustments.'),
  trust: TrustSummarySchema,
  stale: z
    .array(z.string())
    .describe('Why the trace may not fit this project (applies_to mismatches, review date passed).'),
  snippet: z.string().describe('The passage that best matches the query.'),
  detail: z
    .enum(['full', 'snippet'])
    .describe('full: context and solution are included; snippet: only the snippet (it did not fit the budget).'),
  context: z.string().optional(),
  solution: z.string().optional(),
  why: WhySchema,
  also_in: z
    .array(z.object({ store: z.string(), id: z.string() }))
    .describe('The same trace (same id, or a near-identical title) in other stores searched: shown once, here.'),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchedStoreSchema = z.object({
  name: z.string(),
  traces: z.number().int().describe('Traces in its index.'),
  model: z.string().describe('The embedding model of its index.'),
  updated: z.boolean().describe('True when this search first brought its index up to date.'),
  embedded: z
    .number()
    .int()
    .optional()
    .describe('Traces that update embedded (0 when the rows came from a shipped index).'),
  index_source: z.enum(['local', 'shipped', 'remote']).optional().describe("Where its index's rows came from."),
  adapted: z
    .boolean()
    .optional()
    .describe(
      "True when its index's embedding was adapted to the store's own traces (the fusion then weighs the vectors more).",
    ),
  error: z.string().optional().describe('Why this store could not be searched (the others still were).'),
});

/** The answer of a search: `ct search --json` and the MCP `search_traces` tool return exactly this. */
export const SearchResponseSchema = z.object({
  query: z.string(),
  tags: z.array(z.string()),
  stores: z.array(SearchedStoreSchema).describe('The stores searched.'),
  results: z.array(SearchResultSchema),
  total_candidates: z.number().int().describe('Traces that matched before the limit and budget.'),
  budget: z
    .object({
      tokens: z.number().int(),
      used: z.number().int(),
      omitted: z.number().int().describe('Results left out because they did not fit.'),
    })
    .nullable(),
  notes: z.array(z.string()).describe('Index updates, skipped stores and other remarks.'),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
