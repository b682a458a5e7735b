import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, NotFoundError, UsageError } from '../errors.js';
import { runGit } from '../git/run.js';
import { parseTrace } from '../trace/parse.js';
import type { Trace } from '../trace/schema.js';
import { listTraceFiles, readTraceFiles, TRACES_DIR } from './load.js';

/** An ambiguous prefix lists this many candidates (id, title), in the message and in the error's data. */
const MAX_LISTED = 10;

/**
 * Finds a trace by id (or an unambiguous prefix of at least 6 characters, case-insensitive).
 * Files are matched on their `id:` line before any is parsed, so this stays fast on big stores.
 */
export async function findTrace(root: string, query: string): Promise<Trace> {
  const wanted = query.trim().toUpperCase();
  if (wanted.length < 6)
    throw new UsageError(
      `"${query}" is too short to identify a trace`,
      'give the full 26-character id, or at least its first 6 characters',
    );
  const matches = await findTraceFiles(root, wanted);
  if (matches.length === 0)
    throw new NotFoundError(
      'trace-not-found',
      `no trace with id ${query} in ${root}`,
      'search for it with `ct search`, or pick another store with --store',
    );
  const parsed = await readTraceFiles(root, matches);
  const exact = parsed.filter((p) => p.parsed.data?.id === wanted);
  const candidates = exact.length > 0 ? exact : parsed;
  if (candidates.length > 1) {
    const listed = candidates.map((c) => ({
      id: String(c.parsed.data?.id ?? ''),
      title: String(c.parsed.data?.title ?? c.file),
      path: c.file,
    }));
    const shown = listed.slice(0, MAX_LISTED).map((c) => `  ${c.id}  ${c.title}`);
    if (listed.length > MAX_LISTED) shown.push(`  ... and ${listed.length - MAX_LISTED} more`);
    throw new UsageError(
      `"${query}" matches ${listed.length} traces:\n${shown.join('\n')}`,
      'give more characters of the id (all 26 are always unique)',
      { matches: listed.length, candidates: listed.slice(0, MAX_LISTED) },
    );
  }
  const [only] = candidates;
  if (!only?.parsed.trace) {
    const first = only?.parsed.problems.find((p) => p.severity === 'error');
    throw new InvalidInputError(
      'trace-invalid',
      `${only?.file} is not a valid trace: ${first?.message ?? 'unknown problem'}`,
      `run \`ct check ${only?.file}\` for every problem and how to fix it`,
    );
  }
  return only.parsed.trace;
}

/** The trace files whose `id:` line starts with `query` (case-insensitive), matched without parsing. */
export async function findTraceFiles(root: string, query: string): Promise<string[]> {
  const wanted = query.trim().toUpperCase();
  const matches: string[] = [];
  await Promise.all(
    (await listTraceFiles(root)).map(async (file) => {
      const head = (await fs.readFile(path.join(root, file), 'utf8').catch(() => '')).slice(0, 2048);
      const id = ID_LINE.exec(head)?.[1]?.toUpperCase();
      if (id && (id === wanted || id.startsWith(wanted))) matches.push(file);
    }),
  );
  return matches.sort();
}

/** True when the store has a trace with this id (or unique prefix of at least 6 characters). */
export async function hasTrace(root: string, query: string): Promise<boolean> {
  return query.trim().length >= 6 && (await findTraceFiles(root, query)).length > 0;
}

const ID_LINE = /^id:\s*["']?([0-9A-Za-z]+)/m;

/**
 * Finds a trace in the working tree, else in `ref` (e.g. origin/main after a fetch): a trace
 * merged upstream can be voted on or amended before the local checkout has pulled it.
 */
export async function findTraceAnywhere(root: string, query: string, ref: string): Promise<Trace> {
  try {
    return await findTrace(root, query);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    const wanted = query
      .trim()
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, '');
    const grep = await runGit(root, [
      'grep',
      '-l',
      '-i',
      '-E',
      `^id:[[:space:]]*["']?${wanted}`,
      ref,
      '--',
      `${TRACES_DIR}/`,
    ]).then(
      (r) => r.stdout.trim().split('\n').filter(Boolean),
      () => [],
    );
    const files = grep.map((line) => line.slice(ref.length + 1)).filter((f) => f.endsWith('.md'));
    if (files.length !== 1)
      throw files.length > 1
        ? new UsageError(`"${query}" matches ${files.length} traces in ${ref}`, 'give more characters of the id')
        : e;
    const file = files[0] as string;
    const text = (await runGit(root, ['show', `${ref}:${file}`])).stdout;
    const parsed = parseTrace(text, file);
    if (!parsed.trace)
      throw new InvalidInputError('trace-invalid', `${file} in ${ref} is not a valid trace`, `run ct check ${file}`);
    return parsed.trace;
  }
}
