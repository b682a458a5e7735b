// Tokenises the training pairs (and, for measuring only, the dev sets) with the runtime's own word -> row
// mapping (dist/src/embed/token-rows.js), so training and `ct` agree exactly; picks the vocabulary.
//
//   node bin/model/prepare.mjs --work WORK [--vocab 30000] [--buckets 4096] [--eval ../shared/eval]
//
// Reads WORK/pairs.jsonl (collect.py). Writes, for each set, WORK/<set>.{off,rows}.i32 and
// <set>.w.f32 (CSR layout: text i is rows[off[i]..off[i+1]] with per-row weights), the pair
// sources (train.src.u8), WORK/vocab.json, and WORK/init-use.f32: the old USE-lite static
// table's vector of each vocabulary word (one of the initialisations train.py can start from).
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(path.join(root, 'dist', 'src', p));
const { embeddingWords, TokenRows } = await dist('embed/token-rows.js');
const { embeddingText } = await dist('index/document.js');

const { values: args } = parseArgs({
  options: {
    work: { type: 'string' },
    vocab: { type: 'string', default: '30000' },
    buckets: { type: 'string', default: '4096' },
    'min-count': { type: 'string', default: '5' },
    eval: { type: 'string', default: path.resolve(root, '..', 'shared', 'eval') },
  },
});
if (!args.work) throw new Error('--work <folder> is required');
const work = path.resolve(args.work);
// Longer texts are cut: a trace's embedding text is a title, tags, the context and 600 characters of solution.
const MAX_WORDS = { q: 64, d: 320 };

const pairs = [];
const sources = [];
const rl = readline.createInterface({ input: createReadStream(path.join(work, 'pairs.jsonl')) });
for await (const line of rl) {
  if (!line) continue;
  const p = JSON.parse(line);
  pairs.push([embeddingWords(p.q).slice(0, MAX_WORDS.q), embeddingWords(p.d).slice(0, MAX_WORDS.d)]);
  sources.push(p.s);
}
const counts = new Map();
for (const [q, d] of pairs) for (const w of [...q, ...d]) counts.set(w, (counts.get(w) ?? 0) + 1);
const vocab = [...counts]
  .filter(([, c]) => c >= Number(args['min-count']))
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, Number(args.vocab));
const words = vocab.map(([w]) => w);
const mapper = new TokenRows(words, Number(args.buckets));

function writeSet(name, texts) {
  const off = new Int32Array(texts.length + 1);
  let total = 0;
  const parts = texts.map((ws) => ws.map((w) => mapper.rowsOf(w)));
  parts.forEach((p, i) => {
    for (const r of p) total += r.rows.length;
    off[i + 1] = total;
  });
  const rows = new Int32Array(total);
  const weights = new Float32Array(total);
  let k = 0;
  for (const p of parts)
    for (const r of p)
      r.rows.forEach((row, j) => {
        rows[k] = row;
        weights[k++] = r.weights[j];
      });
  writeFileSync(path.join(work, `${name}.off.i32`), off);
  writeFileSync(path.join(work, `${name}.rows.i32`), rows);
  writeFileSync(path.join(work, `${name}.w.f32`), weights);
  return { texts: texts.length, rows: total };
}

const SOURCES = [...new Set(sources)].sort();
const stats = {
  train_q: writeSet(
    'train-q',
    pairs.map(([q]) => q),
  ),
  train_d: writeSet(
    'train-d',
    pairs.map(([, d]) => d),
  ),
};
writeFileSync(path.join(work, 'train.src.u8'), Uint8Array.from(sources.map((s) => SOURCES.indexOf(s))));
// Each vocabulary word's own n-gram buckets (the rows it would have if it were unknown): train.py adds their
// mean to the word's row, fastText-style, so the buckets learn from known words and a typo lands near its word.
const ngramsOnly = new TokenRows([], mapper.buckets);
const ngramRows = words.map((w) => ngramsOnly.rowsOf(w).rows.map((r) => r + words.length));
const ngOff = new Int32Array(words.length + 1);
ngramRows.forEach((r, i) => {
  ngOff[i + 1] = ngOff[i] + r.length;
});
writeFileSync(path.join(work, 'vocab-ngrams.off.i32'), ngOff);
writeFileSync(path.join(work, 'vocab-ngrams.rows.i32'), Int32Array.from(ngramRows.flat()));

// The dev sets, tokenised exactly as ct indexes and queries them: for measuring only, never for training.
const jsonl = (f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const evalSets = {};
for (const name of ['cosqa-dev', 'seamonkey-dup']) {
  const corpus = jsonl(path.join(args.eval, name, 'corpus.jsonl'));
  const queries = jsonl(path.join(args.eval, name, 'queries.jsonl'));
  const docText = (d) => embeddingText({ title: d.title, tags: d.tags, sections: { context: d.text, solution: '' } });
  stats[`${name}-d`] = writeSet(
    `${name}-d`,
    corpus.map((d) => embeddingWords(docText(d))),
  );
  stats[`${name}-q`] = writeSet(
    `${name}-q`,
    queries.map((q) => embeddingWords(q.query)),
  );
  const index = new Map(corpus.map((d, i) => [d.id, i]));
  evalSets[name] = queries.map((q) => ({
    relevant: q.relevant.map((id) => index.get(id)),
    exclude: (q.exclude ?? []).map((id) => index.get(id)),
  }));
}
writeFileSync(path.join(work, 'eval.json'), JSON.stringify(evalSets));

// Initialisation from the old distilled USE-lite table: each vocabulary word's vector.
const { loadStaticEmbedder } = await dist('embed/static.js');
const old = loadStaticEmbedder();
const init = new Float32Array(words.length * old.dim);
words.forEach((w, i) => init.set(old.embedOne(w), i * old.dim));
writeFileSync(path.join(work, 'init-use.f32'), init);

writeFileSync(
  path.join(work, 'vocab.json'),
  JSON.stringify({ words, counts: vocab.map(([, c]) => c), buckets: mapper.buckets, sources: SOURCES, useDim: old.dim }),
);
console.error(JSON.stringify({ pairs: pairs.length, vocab: words.length, distinct_words: counts.size, stats }));
