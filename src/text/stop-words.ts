/**
 * Words too common to say what a query is about: left out where ct weighs query terms itself
 * (cross-store term coverage, snippet choice). The full-text index has its own list (LanceDB's
 * English stop words).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'the',
  'to',
  'of',
  'in',
  'on',
  'for',
  'is',
  'it',
  'with',
  'how',
  'why',
  'what',
  'my',
  'i',
]);
