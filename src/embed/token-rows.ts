import { tokenize } from '../search/tokenize.js';

/** Words of a text as the embedder sees them: the search tokenizer's lowercased parts (no joined identifiers). */
export function embeddingWords(text: string): string[] {
  return tokenize(text, { whole: false });
}

/** Rows of the table that one word adds to a text's vector, each with its share of the word. */
export interface WordRows {
  rows: number[];
  weights: number[];
}

const NGRAM_SIZES = [3, 4] as const;

/** FNV-1a over UTF-16 code units: small, stable, and the same in the training pipeline (it calls this code). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Maps words to table rows: a vocabulary word has its own row; any other word (a rare name, a
 * typo, a word from another language) is the mean of hashed character 3- and 4-gram buckets of
 * `<word>`, fastText-style, so `postgress` still lands near `postgres`. The training pipeline
 * (bin/model/prepare.mjs) uses this class too, so training and runtime map words identically.
 */
export class TokenRows {
  private readonly vocab = new Map<string, number>();
  private readonly cache = new Map<string, WordRows>();

  constructor(
    words: readonly string[],
    readonly buckets: number,
  ) {
    words.forEach((word, i) => this.vocab.set(word, i));
  }

  get rowCount(): number {
    return this.vocab.size + this.buckets;
  }

  rowsOf(word: string): WordRows {
    let cached = this.cache.get(word);
    if (cached) return cached;
    const known = this.vocab.get(word);
    if (known !== undefined) {
      cached = { rows: [known], weights: [1] };
      this.cache.set(word, cached);
      return cached;
    }
    const rows: number[] = [];
    const marked = `<${word}>`;
    for (const n of NGRAM_SIZES)
      for (let i = 0; i + n <= marked.length; i++)
        rows.push(this.vocab.size + (hashString(marked.slice(i, i + n)) % this.buckets));
    cached = { rows, weights: rows.map(() => 1 / rows.length) };
    // Bounded: a long-running server embeds many texts with many one-off words.
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(word, cached);
    return cached;
  }
}
