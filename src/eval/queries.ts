import fs from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { refuseSymlinks } from '../util/fs.js';

/** Where a store keeps its labelled queries, unless ct.yml `eval.queries` names another file. */
export const DEFAULT_QUERIES_FILE = 'eval/queries.yml';

/** One labelled query: what a user would type, and the ids of the traces that answer it. */
export interface EvalQuery {
  query: string;
  relevant: string[];
  /**
   * Trace ids searched as if absent for this query: the trace a query was taken from (a duplicate
   * report's own report, say) would otherwise answer it.
   */
  exclude?: string[];
  /** 1-based line of the entry in the queries file, for messages. */
  line: number;
}

export interface QueryProblem {
  line: number;
  message: string;
}

const EXAMPLE = `- query: "docker compose app starts before postgres is ready"
  relevant: [01JDQ5Z8X4N2K7M3P9R6T1V0WB]`;
const HINT = `each entry is a query and the ids of the traces that answer it, e.g.\n${EXAMPLE}`;
const KEYS = new Set(['query', 'relevant', 'exclude', 'note']);
/** A message lists this many problems, then says how many more. */
const MAX_LISTED = 20;

/**
 * Parses a queries file: a YAML list of `{ query, relevant: [trace ids], exclude?: [trace ids],
 * note? }`. Every malformed entry is reported with its line, in one error; nothing is evaluated
 * from a file with problems.
 */
export function parseEvalQueries(text: string, file: string): EvalQuery[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined, fallback = 1) =>
    node?.range ? counter.linePos(node.range[0]).line : fallback;
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1;
    throw invalid(file, [{ line, message: `not valid YAML: ${first.message.split('\n')[0]}` }]);
  }
  const root = doc.contents;
  if (!isSeq(root))
    throw invalid(file, [
      { line: lineOf(root), message: 'expected a list of entries (each line starting with "- query:")' },
    ]);
  const problems: QueryProblem[] = [];
  const queries: EvalQuery[] = [];
  for (const item of root.items) {
    const line = lineOf(item as Node);
    if (!isMap(item)) {
      problems.push({ line, message: 'expected an entry with query and relevant' });
      continue;
    }
    const entry: Partial<EvalQuery> = { line };
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      const at = lineOf(value, lineOf(pair.key as Node, line));
      if (!KEYS.has(key)) {
        problems.push({
          line: lineOf(pair.key as Node, line),
          message: `unknown field "${key}" (query, relevant, exclude, note)`,
        });
      } else if (key === 'query') {
        const q = isScalar(value) && typeof value.value === 'string' ? value.value.trim() : '';
        if (q) entry.query = q;
        else problems.push({ line: at, message: 'query must be a non-empty string' });
      } else if (key === 'relevant') {
        const ids = traceIds(value);
        if (ids) entry.relevant = ids;
        else problems.push({ line: at, message: 'relevant must be a trace id or a non-empty list of trace ids' });
      } else if (key === 'exclude') {
        const ids = traceIds(value);
        if (ids) entry.exclude = ids;
        else problems.push({ line: at, message: 'exclude must be a trace id or a non-empty list of trace ids' });
      }
    }
    if (entry.query === undefined && !item.has('query')) problems.push({ line, message: 'query is missing' });
    if (entry.relevant === undefined && !item.has('relevant')) problems.push({ line, message: 'relevant is missing' });
    const both = entry.exclude?.filter((id) => entry.relevant?.includes(id)) ?? [];
    if (both.length > 0) problems.push({ line, message: `${both.join(', ')} is both relevant and excluded` });
    else if (entry.query !== undefined && entry.relevant !== undefined) queries.push(entry as EvalQuery);
  }
  if (problems.length > 0) throw invalid(file, problems);
  if (queries.length === 0) throw invalid(file, [{ line: 1, message: 'no queries: the list is empty' }]);
  return queries;
}

function traceIds(value: Node | null): string[] | undefined {
  const text = (n: unknown) =>
    isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value).trim() : '';
  if (isScalar(value)) {
    const id = text(value);
    return id ? [id] : undefined;
  }
  if (!isSeq(value) || value.items.length === 0) return undefined;
  const ids = value.items.map(text);
  return ids.every(Boolean) ? [...new Set(ids)] : undefined;
}

/** Every id a query names that the store does not hold, as problems naming the line. */
export function unknownIds(queries: readonly EvalQuery[], known: ReadonlySet<string>): QueryProblem[] {
  return queries.flatMap((q) =>
    [...q.relevant, ...(q.exclude ?? [])]
      .filter((id) => !known.has(id))
      .map((id) => ({ line: q.line, message: `unknown trace id ${id}: no trace in the store has it` })),
  );
}

/** Reads and parses the queries file of a store, with a clear error when it is missing. */
export async function readEvalQueries(root: string, rel: string): Promise<{ file: string; queries: EvalQuery[] }> {
  const file = path.join(root, rel);
  await refuseSymlinks(root, rel);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new NotFoundError(
      'eval-queries-missing',
      `${file} does not exist: the store has no labelled queries`,
      `write ${rel}: ${HINT}`,
    );
  }
  return { file, queries: parseEvalQueries(text, file) };
}

/** An error listing problems of a queries file by line. */
export function invalid(file: string, problems: readonly QueryProblem[]): InvalidInputError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted.slice(0, MAX_LISTED).map((p) => `  ${file}:${p.line}: ${p.message}`);
  if (sorted.length > MAX_LISTED) listed.push(`  ... and ${sorted.length - MAX_LISTED} more`);
  return new InvalidInputError(
    'eval-queries-invalid',
    `${file} has ${sorted.length} problem${sorted.length === 1 ? '' : 's'}:\n${listed.join('\n')}`,
    `fix the lines named; ${HINT}`,
    { problems: sorted },
  );
}
