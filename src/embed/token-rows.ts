/**
 * The embedder's own words: the rules of the search tokenizer (src/text/tokenize.ts) as they were when
 * ct-static-v3 was trained, frozen here because a trained table is only valid for the exact words it was
 * trained on; the lexical side may change its tokenizer without silently changing the model's input.
 * `getFooBar`, `get_foo_bar`, `foo.bar/baz` -> lowercased parts; letters and digits split (`utf8` -> `utf 8`).
 */
const RAW_WORD = /[\p{L}\p{N}_]+(?:[.\-:/][\p{L}\p{N}_]+)*/gu;
const SEPARATORS = /[_.\-:/]+/;
const HUMPS = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const MAX_WORD_LENGTH = 40;

function splitRaw(raw: string): string[] {
  const parts: string[] = [];
  for (const segment of raw.split(SEPARATORS)) {
    if (!segment) continue;
    for (const part of segment.split(HUMPS)) if (part && part.length <= MAX_WORD_LENGTH) parts.push(part.toLowerCase());
  }
  return parts;
}

/** Words of a text as the embedder sees them (the training pipeline calls this too). */
export function embeddingWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(RAW_WORD)) out.push(...splitRaw(match[0]));
  return out;
}

/** Rows of the table that one word adds to a text's vector, each with its share of the word. */
export interface WordRows {
  rows: number[];
  weights: number[];
}

const NGRAM_SIZES = [3, 4] as const;
/** Bounded caches: a long-running server embeds many texts with many one-off words. */
const MAX_CACHED = 200_000;

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
  private readonly words = new Map<string, WordRows>();
  private readonly raws = new Map<string, WordRows>();

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
    let cached = this.words.get(word);
    if (cached) return cached;
    const known = this.vocab.get(word);
    if (known !== undefined) cached = { rows: [known], weights: [1] };
    else {
      const rows: number[] = [];
      const marked = `<${word}>`;
      for (const n of NGRAM_SIZES)
        for (let i = 0; i + n <= marked.length; i++)
          rows.push(this.vocab.size + (hashString(marked.slice(i, i + n)) % this.buckets));
      cached = { rows, weights: rows.map(() => 1 / rows.length) };
    }
    if (this.words.size > MAX_CACHED) this.words.clear();
    this.words.set(word, cached);
    return cached;
  }

  /**
   * Total weight per row over a text's words: the same sums as rowsOf over embeddingWords(text), but
   * cached per raw token (identifiers and words repeat across texts, and splitting them is the slow part).
   */
  weighRows(text: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const match of text.matchAll(RAW_WORD)) {
      const raw = match[0];
      let entry = this.raws.get(raw);
      if (!entry) {
        entry = { rows: [], weights: [] };
        for (const word of splitRaw(raw)) {
          const { rows, weights } = this.rowsOf(word);
          entry.rows.push(...rows);
          entry.weights.push(...weights);
        }
        if (this.raws.size > MAX_CACHED) this.raws.clear();
        this.raws.set(raw, entry);
      }
      const { rows, weights } = entry;
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k] as number;
        out.set(row, (out.get(row) ?? 0) + (weights[k] as number));
      }
    }
    return out;
  }
}
