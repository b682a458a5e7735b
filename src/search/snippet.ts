import { STOP_WORDS } from '../text/stop-words.js';
import { tokenize } from '../text/tokenize.js';

const MAX_SNIPPET = 240;

/**
 * Lines that only wire code together: imports, includes, requires, package and use declarations.
 * They repeat the names a query holds (`import requests`) without saying anything about the
 * problem or the fix, so they are never the snippet.
 */
const BOILERPLATE =
  /^(?:import\s|from\s+\S+\s+import\s|(?:const|let|var)\s+[\w{},\s]+=\s*require\(|require\(|#\s*include\s|using\s+[\w.]+;|package\s+[\w.]+;?$|use\s+[\w:{}, ]+;|export\s+(?:\*|\{[^}]*\})\s+from\s)/;
/** A line that starts with an error or log message (`sqlite3.OperationalError: ...`, `fatal: ...`). */
const ERROR_LINE = /^(?:[\w.$]*(?:Error|Exception|Warning)|error|fatal|warning|panic)(?:\s*\[[\w-]+\])?:\s/;
const FENCE = /^(?:```|~~~)/;
const HEADING = /^#{1,6}\s/;
/** A list item or a quote starts a passage of its own. */
const BLOCK_START = /^(?:[-*+]\s|\d+[.)]\s|>\s?)/;
/** A sentence ends before a capital, a backtick or a quote that follows ". ", "! " or "? ". */
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z`"'(])/;

/**
 * The passages of a markdown section: each line of a code block, and outside code the sentences
 * of each paragraph or list item (markdown wraps a sentence over several lines, so a line alone
 * can start mid-sentence). Headings and fence markers are structure, not passages.
 */
function passages(markdown: string): string[] {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(...paragraph.join(' ').split(SENTENCE_END));
    paragraph = [];
  };
  let inCode = false;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (FENCE.test(line)) {
      flush();
      inCode = !inCode;
    } else if (inCode) {
      if (line) out.push(line);
    } else if (!line || HEADING.test(line)) flush();
    else if (BOILERPLATE.test(line) || ERROR_LINE.test(line)) {
      flush();
      out.push(line);
    } else {
      // A line that ends a sentence ends the passage too, whatever the next one starts with
      // (an error message often starts lowercase: `sqlite3.OperationalError: ...`).
      if (BLOCK_START.test(line) || /[.!?:]$/.test(paragraph.at(-1) ?? '')) flush();
      paragraph.push(line);
    }
  }
  flush();
  return out.map((p) => p.trim()).filter(Boolean);
}

interface Line {
  text: string;
  tokens: Set<string>;
}

/**
 * The passage of a trace that best matches the query: the sentence or code line (of the context,
 * then the solution) whose query terms weigh most, a term weighing more the fewer passages of this
 * trace hold it (so `OperationalError` beats `the`), never an import or other wiring line; a
 * passage that introduces what follows (ends with ":") takes the next one along. On a tie, or with
 * no match, the earlier line: the context states the problem first. Cut to ~240 characters around
 * the first match. `matched` is every query term found anywhere in the context or solution.
 */
export function makeSnippet(query: string, context: string, solution: string): { snippet: string; matched: string[] } {
  const terms = new Set(tokenize(query));
  const lines: Line[] = [...passages(context), ...passages(solution)].map((text) => ({
    text,
    tokens: new Set(tokenize(text)),
  }));
  const matched = new Set<string>();
  for (const line of lines) for (const t of terms) if (line.tokens.has(t)) matched.add(t);

  const candidates = lines.filter((l) => l.tokens.size > 0 && !BOILERPLATE.test(l.text));
  const weight = termWeights(terms, candidates);
  let best = candidates[0];
  let bestScore = 0;
  for (const line of candidates) {
    let score = 0;
    for (const [t, w] of weight) if (line.tokens.has(t)) score += w;
    if (score > bestScore) {
      best = line;
      bestScore = score;
    }
  }
  let text = best?.text ?? lines[0]?.text ?? '';
  if (best && text.endsWith(':')) {
    const next = candidates[candidates.indexOf(best) + 1];
    if (next) text = `${text} ${next.text}`;
  }
  return { snippet: cut(text, terms), matched: [...matched].sort() };
}

/** Each query term (stop words aside) weighted by how few of the trace's lines hold it. */
function termWeights(terms: ReadonlySet<string>, lines: readonly Line[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const t of terms) {
    if (STOP_WORDS.has(t)) continue;
    const df = lines.reduce((n, l) => n + (l.tokens.has(t) ? 1 : 0), 0);
    if (df > 0) weights.set(t, Math.log(1 + lines.length / df));
  }
  return weights;
}

function cut(line: string, terms: Set<string>): string {
  const clean = line.replace(/\s+/g, ' ');
  if (clean.length <= MAX_SNIPPET) return clean;
  const lower = clean.toLowerCase();
  let first = clean.length;
  for (const t of terms) {
    if (STOP_WORDS.has(t)) continue;
    const at = lower.indexOf(t);
    if (at !== -1) first = Math.min(first, at);
  }
  const start = first === clean.length ? 0 : Math.max(0, first - 60);
  const piece = clean.slice(start, start + MAX_SNIPPET);
  return `${start > 0 ? '…' : ''}${piece}${start + MAX_SNIPPET < clean.length ? '…' : ''}`;
}
