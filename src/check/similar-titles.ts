const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'of',
  'to',
  'in',
  'on',
  'for',
  'with',
  'when',
  'is',
  'are',
  'by',
  'from',
  'at',
  'how',
  'not',
  'it',
  'its',
  'vs',
  'into',
  'after',
  'before',
]);

export function titleTokens(title: string): string[] {
  return [
    ...new Set(
      title
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9+#]+/g, ' ')
        .split(' ')
        .filter((t) => t && !STOP_WORDS.has(t)),
    ),
  ];
}

/**
 * Pairs of titles whose token sets have a Jaccard similarity of at least `threshold`, found
 * exactly with prefix filtering (tokens ordered rarest first; a pair above the threshold must
 * share a token within each title's short prefix), so 10,000 titles never cost 50M comparisons.
 */
export function findSimilarTitles(
  titles: readonly string[],
  threshold = 0.8,
  probe?: (index: number) => boolean,
): { a: number; b: number; similarity: number }[] {
  // With a probe (ct check of a few files), every title is indexed first and only the probed
  // titles look for partners: a one-file check no longer costs a whole-store comparison.
  if (probe) return probeSimilarTitles(titles, threshold, probe);
  const tokenSets = titles.map(titleTokens);
  const frequency = new Map<string, number>();
  for (const tokens of tokenSets) for (const t of tokens) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const ordered = tokenSets.map((tokens) =>
    [...tokens].sort((x, y) => (frequency.get(x) ?? 0) - (frequency.get(y) ?? 0) || x.localeCompare(y)),
  );
  const index = new Map<string, number[]>();
  const pairs: { a: number; b: number; similarity: number }[] = [];
  ordered.forEach((tokens, i) => {
    if (tokens.length === 0) return;
    const prefix = tokens.length - Math.ceil(threshold * tokens.length) + 1;
    const candidates = new Set<number>();
    for (const t of tokens.slice(0, prefix)) for (const j of index.get(t) ?? []) candidates.add(j);
    const mine = new Set(tokens);
    for (const j of candidates) {
      const theirs = ordered[j] as string[];
      let shared = 0;
      for (const t of theirs) if (mine.has(t)) shared++;
      const similarity = shared / (mine.size + theirs.length - shared);
      if (similarity >= threshold) pairs.push({ a: j, b: i, similarity });
    }
    for (const t of tokens.slice(0, prefix)) {
      const list = index.get(t);
      if (list) list.push(i);
      else index.set(t, [i]);
    }
  });
  return pairs;
}

function prefixIndex(
  titles: readonly string[],
  threshold: number,
): { ordered: string[][]; prefixOf: (tokens: string[]) => string[]; index: Map<string, number[]> } {
  const tokenSets = titles.map(titleTokens);
  const frequency = new Map<string, number>();
  for (const tokens of tokenSets) for (const t of tokens) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const ordered = tokenSets.map((tokens) =>
    [...tokens].sort((x, y) => (frequency.get(x) ?? 0) - (frequency.get(y) ?? 0) || x.localeCompare(y)),
  );
  const prefixOf = (tokens: string[]) => tokens.slice(0, tokens.length - Math.ceil(threshold * tokens.length) + 1);
  const index = new Map<string, number[]>();
  ordered.forEach((tokens, i) => {
    for (const t of prefixOf(tokens)) {
      const list = index.get(t);
      if (list) list.push(i);
      else index.set(t, [i]);
    }
  });
  return { ordered, prefixOf, index };
}

function probeSimilarTitles(
  titles: readonly string[],
  threshold: number,
  probe: (index: number) => boolean,
): { a: number; b: number; similarity: number }[] {
  const { ordered, prefixOf, index } = prefixIndex(titles, threshold);
  const seen = new Set<string>();
  const pairs: { a: number; b: number; similarity: number }[] = [];
  ordered.forEach((tokens, i) => {
    if (tokens.length === 0 || !probe(i)) return;
    const mine = new Set(tokens);
    const candidates = new Set<number>();
    for (const t of prefixOf(tokens)) for (const j of index.get(t) ?? []) if (j !== i) candidates.add(j);
    for (const j of candidates) {
      const key = i < j ? `${i}:${j}` : `${j}:${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const theirs = ordered[j] as string[];
      let shared = 0;
      for (const t of theirs) if (mine.has(t)) shared++;
      const similarity = shared / (mine.size + theirs.length - shared);
      if (similarity >= threshold) pairs.push({ a: Math.min(i, j), b: Math.max(i, j), similarity });
    }
  });
  return pairs;
}
