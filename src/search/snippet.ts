import { tokenize } from '../text/tokenize.js';

const MAX_SNIPPET = 240;

/**
 * The passage of a trace that best matches the query: the line (outside code fences markers)
 * with the most distinct query terms, the context's first line on a tie, cut to ~240 characters
 * around the first match.
 */
export function makeSnippet(query: string, context: string, solution: string): { snippet: string; matched: string[] } {
  const terms = new Set(tokenize(query));
  const lines = `${context}\n${solution}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(```|~~~)/.test(l));
  let best = lines[0] ?? '';
  let bestHits = -1;
  const matched = new Set<string>();
  for (const line of lines) {
    const tokens = new Set(tokenize(line));
    let hits = 0;
    for (const t of terms) {
      if (tokens.has(t)) {
        hits++;
        matched.add(t);
      }
    }
    if (hits > bestHits) {
      best = line;
      bestHits = hits;
    }
  }
  return { snippet: cut(best, terms), matched: [...matched].sort() };
}

function cut(line: string, terms: Set<string>): string {
  const clean = line.replace(/\s+/g, ' ');
  if (clean.length <= MAX_SNIPPET) return clean;
  const lower = clean.toLowerCase();
  let first = clean.length;
  for (const t of terms) {
    const at = lower.indexOf(t);
    if (at !== -1) first = Math.min(first, at);
  }
  const start = first === clean.length ? 0 : Math.max(0, first - 60);
  const piece = clean.slice(start, start + MAX_SNIPPET);
  return `${start > 0 ? '…' : ''}${piece}${start + MAX_SNIPPET < clean.length ? '…' : ''}`;
}
