/**
 * Builds src/embed/data/wordlist.tsv (`word \t count`, most frequent first): the word vocabulary
 * that distill.ts embeds next to the SentencePiece pieces.
 *
 *   npm run build:wordlist [-- --out <file>]      (MAX_WORDS=50000 by default)
 *
 * Sources, walked in sorted file order: TypeScript's lib*.d.ts (node_modules/typescript/lib),
 * @types/node (both from npm) and, if present, the CPython 3.11 standard library sources in
 * /usr/lib/python3.11 as Debian installs them (tests and site/dist-packages skipped). Tokens are
 * the code-aware parts from ../text/tokenize.ts (no joined wholes), kept if [a-z][a-z0-9]*,
 * 2 to 24 characters, seen at least twice. Because the Python stdlib is a system package and not
 * an npm dependency, the committed wordlist.tsv, not this script, is the reproducible input of
 * the model build.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getPackageRoot } from '../../src/paths.js';
import { tokenize } from '../../src/text/tokenize.js';

const MIN_COUNT = 2;
const PYTHON_STDLIB = '/usr/lib/python3.11';

function walk(dir: string, filter: (file: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (!/^(test|tests|__pycache__|idle_test)$/.test(name)) walk(p, filter, out);
    } else if (filter(p)) out.push(p);
  }
  return out;
}

/** The source files the word counts come from, in a deterministic order. */
export function sourceFiles(root: string = getPackageRoot()): string[] {
  return [
    ...walk(path.join(root, 'node_modules/typescript/lib'), (p) => /\/lib[^/]*\.d\.ts$/.test(p)),
    ...walk(path.join(root, 'node_modules/@types/node'), (p) => p.endsWith('.d.ts')),
    ...(existsSync(PYTHON_STDLIB)
      ? walk(PYTHON_STDLIB, (p) => p.endsWith('.py') && !p.includes('site-packages') && !p.includes('dist-packages'))
      : []),
  ];
}

export interface WordlistStats {
  files: number;
  tokens: number;
  distinct: number;
  written: number;
}

/** Counts the words of `files` and returns the wordlist rows, most frequent first (ties by word). */
export function buildWordlist(
  files: readonly string[],
  maxWords: number,
): { rows: Array<[string, number]>; stats: WordlistStats } {
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const f of files) {
    for (const t of tokenize(readFileSync(f, 'utf8'), { whole: false })) {
      if (t.length < 2 || t.length > 24 || !/^[a-z][a-z0-9]*$/.test(t)) continue;
      counts.set(t, (counts.get(t) ?? 0) + 1);
      tokens++;
    }
  }
  const rows = [...counts]
    .filter(([, c]) => c >= MIN_COUNT)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords);
  return { rows, stats: { files: files.length, tokens, distinct: counts.size, written: rows.length } };
}

function main(argv: string[]): void {
  const i = argv.indexOf('--out');
  const out = path.resolve(
    i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : path.join(getPackageRoot(), 'src/embed/data/wordlist.tsv'),
  );
  const maxWords = Number(process.env.MAX_WORDS || 50000);
  const { rows, stats } = buildWordlist(sourceFiles(), maxWords);
  writeFileSync(out, rows.map(([w, c]) => `${w}\t${c}`).join('\n') + '\n');
  console.log(JSON.stringify({ ...stats, out }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  main(process.argv.slice(2));
