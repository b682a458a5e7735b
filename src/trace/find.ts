import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, NotFoundError, UsageError } from '../errors.js';
import { listTraceFiles, readTraceFiles } from '../store/load.js';
import type { Trace } from './schema.js';

/**
 * Finds a trace by id (or an unambiguous prefix of at least 6 characters, case-insensitive).
 * Files are matched on their `id:` line before any is parsed, so this stays fast on big stores.
 */
export async function findTrace(root: string, query: string): Promise<Trace> {
  const wanted = query.trim().toUpperCase();
  if (wanted.length < 6) throw new UsageError(`"${query}" is too short to identify a trace`, 'give the full 26-character id, or at least its first 6 characters');
  const files = await listTraceFiles(root);
  const matches: string[] = [];
  const idLine = /^id:\s*["']?([0-9A-Za-z]+)/m;
  await Promise.all(
    files.map(async (file) => {
      const head = (await fs.readFile(path.join(root, file), 'utf8')).slice(0, 2048);
      const id = idLine.exec(head)?.[1]?.toUpperCase();
      if (id && (id === wanted || id.startsWith(wanted))) matches.push(file);
    }),
  );
  if (matches.length === 0) throw new NotFoundError('trace-not-found', `no trace with id ${query} in ${root}`, 'search for it with `ct search`, or pick another store with --store');
  const parsed = await readTraceFiles(root, matches.sort());
  const exact = parsed.filter((p) => p.parsed.data?.id === wanted);
  const candidates = exact.length > 0 ? exact : parsed;
  if (candidates.length > 1) {
    throw new UsageError(`"${query}" matches ${candidates.length} traces: ${candidates.map((c) => c.file).join(', ')}`, 'give more characters of the id');
  }
  const [only] = candidates;
  if (!only?.parsed.trace) {
    const first = only?.parsed.problems.find((p) => p.severity === 'error');
    throw new InvalidInputError('trace-invalid', `${only?.file} is not a valid trace: ${first?.message ?? 'unknown problem'}`, `run \`ct check ${only?.file}\` for every problem and how to fix it`);
  }
  return only.parsed.trace;
}
