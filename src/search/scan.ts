import fs from 'node:fs/promises';
import path from 'node:path';
import { getPackageRoot, seedsDir } from '../paths.js';
import { judgeFreshness, type ProjectVersions } from '../project/versions.js';
import { tokenize } from '../text/tokenize.js';
import { parseTrace } from '../trace/parse.js';
import type { Trace } from '../trace/schema.js';
import { walkFiles } from '../util/fs.js';
import type { SearchResult } from './schema.js';
import { makeSnippet } from './snippet.js';

/** A trace read straight from its file, for a search without an index. */
export interface ScannedTrace {
  trace: Trace;
  /** Its path relative to the store root (traces/...). */
  path: string;
  /** The distinct tokens of its title, tags and body (computed once; stored in the seeds snapshot). */
  terms?: { title: string[]; tags: string[]; body: string[] };
}

/** The packaged seeds, parsed and tokenized at build time (bin/build/bundle.ts), in dist/. */
export const SEEDS_SNAPSHOT = 'seeds-scan.json';

/**
 * The package's seed traces for a scan: the build-time snapshot when there is one (parsing 200+
 * YAML frontmatters takes longer than a session start can spare), else the files themselves.
 */
export async function readPackagedSeeds(): Promise<ScannedTrace[]> {
  const snapshot = await fs
    .readFile(path.join(getPackageRoot(), 'dist', SEEDS_SNAPSHOT), 'utf8')
    .then((text) => JSON.parse(text) as ScannedTrace[])
    .catch(() => undefined);
  return snapshot ?? (await readTraceFiles(path.join(seedsDir(), 'traces')));
}

/** Tokens of each field, as scanTraces matches them. */
export function traceTerms(trace: Pick<Trace, 'title' | 'tags' | 'body'>): NonNullable<ScannedTrace['terms']> {
  return {
    title: [...new Set(tokenize(trace.title))],
    tags: [...new Set(tokenize(trace.tags.join(' ')))],
    body: [...new Set(tokenize(trace.body))],
  };
}

const termSets = new WeakMap<ScannedTrace, Record<'title' | 'tags' | 'body', Set<string>>>();

function termsOf(scanned: ScannedTrace): Record<'title' | 'tags' | 'body', Set<string>> {
  let sets = termSets.get(scanned);
  if (!sets) {
    const terms = scanned.terms ?? traceTerms(scanned.trace);
    sets = { title: new Set(terms.title), tags: new Set(terms.tags), body: new Set(terms.body) };
    termSets.set(scanned, sets);
  }
  return sets;
}

/** Every valid trace file under `dir` (a store's traces/ folder); invalid ones are left out. */
export async function readTraceFiles(dir: string, prefix = 'traces'): Promise<ScannedTrace[]> {
  const files = (await walkFiles(dir)).filter((f) => f.endsWith('.md')).sort();
  const texts = await Promise.all(files.map((f) => fs.readFile(path.join(dir, f), 'utf8')));
  return files.flatMap((file, i) => {
    const rel = `${prefix}/${file}`;
    const { trace } = parseTrace(texts[i] as string, rel);
    return trace ? [{ trace: { ...trace, path: rel }, path: rel }] : [];
  });
}

/** Field weights of the scan: a title or tag that names the query says more than a mention in the body. */
const WEIGHTS = { title: 3, tags: 2, body: 1 } as const;

/**
 * A lexical search over traces read from their files, for when a store has no index yet (the
 * built-in seeds store at the very first session, while its index is built in the background):
 * traces with every tag asked for, scored by the query's distinct terms found in the title, tags
 * and body (weighted), best first, as search results of `store` with the same fields and `why`
 * as an indexed search (no vector side). Packaged seeds count as validated, as in the index.
 */
export function scanTraces(
  traces: readonly ScannedTrace[],
  input: { query: string; tags: readonly string[]; limit: number; store: string; validated: boolean },
  project: ProjectVersions,
): SearchResult[] {
  const terms = [...new Set(tokenize(input.query))];
  if (terms.length === 0) return [];
  const scored = traces.flatMap((scanned) => {
    const { trace, path: file } = scanned;
    if (!input.tags.every((t) => trace.tags.includes(t))) return [];
    const fields = termsOf(scanned);
    let score = 0;
    for (const term of terms)
      for (const field of ['title', 'tags', 'body'] as const) if (fields[field].has(term)) score += WEIGHTS[field];
    return score > 0 ? [{ trace, file, score }] : [];
  });
  scored.sort((a, b) => b.score - a.score || (a.trace.id < b.trace.id ? -1 : a.trace.id > b.trace.id ? 1 : 0));
  const best = scored[0]?.score ?? 1;
  return scored.slice(0, input.limit).map(({ trace, file, score }, n): SearchResult => {
    const appliesTo = trace.applies_to ?? {};
    const freshness = judgeFreshness(appliesTo, trace.review_after, project);
    const { snippet, matched } = makeSnippet(input.query, trace.sections.context, trace.sections.solution);
    const relevance = Math.round((score / best) * 1000) / 1000;
    return {
      store: input.store,
      id: trace.id,
      title: trace.title,
      tags: [...trace.tags],
      path: file,
      created: trace.created,
      status: trace.status,
      applies_to: appliesTo,
      score: relevance,
      trust: { up: 0, down: 0, flags: 0, trust: 0, validated: input.validated, disputed: false },
      stale: [
        ...freshness.mismatches.map((m) => `applies to ${m}`),
        ...(freshness.reviewDue ? ['review date passed'] : []),
      ],
      snippet,
      detail: 'full',
      context: trace.sections.context,
      solution: trace.sections.solution,
      why: {
        matched_terms: matched,
        lexical: { rank: n + 1, score },
        vector: null,
        query_coverage: null,
        relevance,
        store_weight: 1,
        adjustments: [],
      },
      also_in: [],
    };
  });
}
