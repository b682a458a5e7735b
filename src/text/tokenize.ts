import { normalizeErrorText } from './normalize.js';

/**
 * Code-aware tokens for the lexical side of search, applied the same way to traces and queries:
 * `getFooBar`, `get_foo_bar`, `get-foo-bar` and `foo.bar/baz` are split into their lowercased
 * parts (`get foo bar`), letters and digits are split (`utf8` -> `utf 8`), and an identifier that
 * was split is also kept whole (`getfoobar`), so an exact identifier still outranks its parts.
 * Measured on CoSQA (see test/bench/eval-search.ts): it raises BM25 recall on code queries.
 */

const RAW_TOKEN = /[\p{L}\p{N}_]+(?:[.\-:/][\p{L}\p{N}_]+)*/gu;
const SEPARATORS = /[_.\-:/]+/;
const HUMPS = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

export const MAX_TOKEN_LENGTH = 40;

/** The lowercased parts of one identifier-like string. */
export function splitIdentifier(raw: string): string[] {
  const parts: string[] = [];
  for (const segment of raw.split(SEPARATORS)) {
    if (!segment) continue;
    for (const part of segment.split(HUMPS)) if (part) parts.push(part.toLowerCase());
  }
  return parts;
}

/** Code-aware tokens of a text; `whole: false` leaves out the joined identifiers. */
export function tokenize(text: string, options: { whole?: boolean } = {}): string[] {
  const whole = options.whole !== false;
  const out: string[] = [];
  for (const match of text.matchAll(RAW_TOKEN)) {
    const parts = splitIdentifier(match[0]);
    for (const part of parts) if (part.length <= MAX_TOKEN_LENGTH) out.push(part);
    if (whole && parts.length > 1) {
      const joined = parts.join('');
      if (joined.length <= MAX_TOKEN_LENGTH) out.push(joined);
    }
  }
  return out;
}

/**
 * A text rewritten as its code-aware tokens, for LanceDB's full-text index and its queries, after
 * the run-specific parts of error messages are dropped (paths, line numbers, addresses, hashes).
 */
export function expandForFts(text: string): string {
  return tokenize(normalizeErrorText(text)).join(' ');
}
