import { z } from 'zod';

export const SearchOptionsSchema = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'the query is empty')
    .max(1000, 'a query has at most 1,000 characters')
    .describe('What you are looking for: an error message, a task, API names.'),
  tags: z
    .array(z.string().min(1).max(40))
    .max(10)
    .default([])
    .describe('Only traces that have every one of these tags.'),
  limit: z.number().int().min(1).max(100).default(10).describe('The most results to return.'),
  budget: z
    .number()
    .int()
    .min(50)
    .max(100_000)
    .optional()
    .describe('A token budget for the results: whole traces where they fit, best first, then snippets.'),
});
export type SearchOptions = z.input<typeof SearchOptionsSchema>;

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
  relevance: z.number().describe('Fused relevance in [0, 1]: 0.9 x normalised BM25 + 0.1 x normalised similarity.'),
  adjustments: z
    .array(z.object({ factor: z.string(), delta: z.number(), reason: z.string() }))
    .describe('Trust, validation, freshness and dispute adjustments added to the relevance.'),
});

export const SearchResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  path: z.string().describe('Path of the trace file in the store.'),
  created: z.string(),
  status: z.string(),
  applies_to: z.record(z.string(), z.string()),
  score: z.number().describe('Final score: relevance plus adjustments.'),
  trust: z.object({
    up: z.number().int(),
    down: z.number().int(),
    flags: z.number().int(),
    trust: z.number(),
    validated: z.boolean(),
    disputed: z.boolean(),
  }),
  stale: z
    .array(z.string())
    .describe('Why the trace may not fit this project (applies_to mismatches, review date passed).'),
  snippet: z.string().describe('The passage that best matches the query.'),
  detail: z
    .enum(['full', 'snippet'])
    .describe('full: context and solution are included; snippet: only the snippet fits the budget.'),
  context: z.string().optional(),
  solution: z.string().optional(),
  why: WhySchema,
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({
  store: z.string(),
  query: z.string(),
  tags: z.array(z.string()),
  results: z.array(SearchResultSchema),
  total_candidates: z.number().int().describe('Traces that matched before the limit and budget.'),
  budget: z
    .object({
      tokens: z.number().int(),
      used: z.number().int(),
      omitted: z.number().int().describe('Results left out because they did not fit.'),
    })
    .nullable(),
  index: z.object({
    traces: z.number().int(),
    model: z.string(),
    updated: z.boolean().describe('True when this search first brought the index up to date.'),
  }),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
