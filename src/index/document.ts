import { expandForFts } from '../search/tokenize.js';
import type { Trace } from '../trace/schema.js';

/** How much of the solution feeds the embedding: its start says what the fix is. */
const SOLUTION_CHARS_FOR_EMBEDDING = 600;

/** The text the embedder sees: what the trace is about, not every line of its code. */
export function embeddingText(trace: Pick<Trace, 'title' | 'tags' | 'sections'>): string {
  return [trace.title, trace.tags.join(' '), trace.sections.context, trace.sections.solution.slice(0, SOLUTION_CHARS_FOR_EMBEDDING)].join('\n');
}

/**
 * The text the full-text index sees, as code-aware tokens: title, tags and the whole body.
 * (Repeating the title to weigh it up was measured on CoSQA: BM25 +0.002 recall@10, not
 * significant, and it halved the gain of the fusion with vectors; so the title appears once.)
 */
export function lexicalText(trace: Pick<Trace, 'title' | 'tags' | 'body'>): string {
  return expandForFts([trace.title, trace.tags.join(' '), trace.body].join('\n'));
}
