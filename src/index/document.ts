import { codeBlocks, codeComments } from '../text/code.js';
import { expandForFts } from '../text/tokenize.js';
import type { Trace } from '../trace/schema.js';
import type { TraceRow } from './table.js';

/** How much of the solution feeds the embedding: its start says what the fix is. */
const SOLUTION_CHARS_FOR_EMBEDDING = 600;

/** The text the embedder sees: what the trace is about, not every line of its code. */
export function embeddingText(trace: Pick<Trace, 'title' | 'tags' | 'sections'>): string {
  return [
    trace.title,
    trace.tags.join(' '),
    trace.sections.context,
    trace.sections.solution.slice(0, SOLUTION_CHARS_FOR_EMBEDDING),
  ].join('\n');
}

/**
 * The text the full-text index sees, as code-aware tokens: title, tags and the whole body.
 * (Repeating the title to weigh it up was measured on CoSQA: BM25 +0.002 recall@10, not
 * significant, and it halved the gain of the fusion with vectors; so the title appears once.)
 */
export function lexicalText(trace: Pick<Trace, 'title' | 'tags' | 'body'>): string {
  return expandForFts([trace.title, trace.tags.join(' '), trace.body].join('\n'));
}

/** The weighted full-text columns (see FTS_FIELDS): the title, the code blocks, and the comments in them. */
export function lexicalFields(
  trace: Pick<Trace, 'title' | 'body'>,
): Pick<TraceRow, 'fts_title' | 'fts_code' | 'fts_comments'> {
  const code = codeBlocks(trace.body);
  return {
    fts_title: expandForFts(trace.title),
    fts_code: expandForFts(code),
    fts_comments: expandForFts(codeComments(code)),
  };
}

/** A trace as an index row, everything but its vector: shared by `ct index` and the benchmarks. */
export function toTraceRow(
  trace: Pick<
    Trace,
    'id' | 'title' | 'tags' | 'created' | 'status' | 'sections' | 'body' | 'applies_to' | 'review_after'
  >,
  where: { path: string; blob: string; chars: number },
): Omit<TraceRow, 'vector'> {
  return {
    id: trace.id,
    path: where.path,
    blob: where.blob,
    title: trace.title,
    tags: trace.tags,
    created: trace.created,
    status: trace.status,
    applies_to: JSON.stringify(trace.applies_to ?? {}),
    review_after: trace.review_after ?? '',
    context: trace.sections.context,
    solution: trace.sections.solution,
    body: trace.body,
    chars: where.chars,
    fts: lexicalText(trace),
    ...lexicalFields(trace),
  };
}
