import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { readBlobs } from '../git/blobs.js';
import { spawnGit } from '../git/run.js';
import { parseTrace } from '../trace/parse.js';
import { type Trace, TraceSchema } from '../trace/schema.js';
import { locateTrace, resolveCommit } from './locate-trace.js';

/** A point in a store's history: the commit, and what the user asked for. */
export const VersionPointSchema = z.object({
  at: z.string().describe('What was asked for: a commit, branch or tag, or a date.'),
  commit: z.string().describe('The commit it resolved to.'),
  date: z.string().describe("The commit's committer date, ISO 8601 (when the store had this version)."),
});
export type VersionPoint = z.infer<typeof VersionPointSchema>;

/** `ct show <id> --at <commit|date> --json`: the trace as it was. */
export const TraceAtSchema = VersionPointSchema.extend({
  trace: TraceSchema.describe('The trace as the store held it at that commit.'),
});
export type TraceAt = z.infer<typeof TraceAtSchema>;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** True when `at` is written as a date (YYYY-MM-DD, or an ISO 8601 date and time) rather than a revision. */
export function isDate(at: string): boolean {
  return DATE_ONLY.test(at) || DATE_TIME.test(at);
}

/**
 * The commit of `ref`'s history (default HEAD) that was current at `at`: `at` itself when it names
 * a commit, branch or tag; for a date, the last commit made on or before it (a day means the end of
 * that day, UTC), by committer date: when a change reached the store, not when it was written.
 */
export async function resolvePoint(root: string, at: string, ref = 'HEAD'): Promise<VersionPoint> {
  // One git process: the commit and its date together.
  const format = '--format=%H %cI';
  if (isDate(at)) {
    const until = DATE_ONLY.test(at) ? `${at}T23:59:59Z` : at;
    if (Number.isNaN(Date.parse(until)))
      throw new InvalidInputError('bad-date', `"${at}" is not a date`, 'write a date as YYYY-MM-DD, e.g. 2026-11-21');
    const found = await spawnGit(root, ['log', '-1', '--first-parent', `--before=${until}`, format, ref, '--']);
    const [commit, date] = found.stdout.toString('utf8').trim().split(' ');
    if (found.code === 0 && commit && date) return { at, commit, date };
    if (found.code !== 0) await resolveCommit(root, ref); // no history at all: its error says so
    throw new NotFoundError(
      'no-commit-at-date',
      `the store at ${root} has no commit on or before ${at}`,
      'give a later date, or a commit from `ct log <id>`',
    );
  }
  const found = await spawnGit(root, ['log', '-1', '--no-walk', format, '--end-of-options', `${at}^{commit}`, '--']);
  const [commit, date] = found.stdout.toString('utf8').trim().split(' ');
  if (found.code === 0 && commit && date) return { at, commit, date };
  await resolveCommit(root, at); // throws the clear "no commit named ..." error
  throw new NotFoundError(
    'ref-not-found',
    `no commit named ${at} in ${root}`,
    'give a branch, tag or commit of the store',
  );
}

/** The trace as the store held it at `at` (a commit, branch, tag or date). */
export async function getTraceAt(root: string, query: string, at: string): Promise<TraceAt> {
  const point = await resolvePoint(root, at);
  const text = await readTraceText(root, query, point);
  if (text === undefined)
    throw new NotFoundError(
      'trace-not-at-point',
      `the trace ${query} was not in the store at ${describePoint(point)}`,
      '`ct log <id>` lists when it was created, amended and deleted',
    );
  const parsed = parseTrace(text.text, text.path);
  if (!parsed.trace) {
    const first = parsed.problems.find((p) => p.severity === 'error');
    throw new InvalidInputError(
      'trace-invalid',
      `${text.path} at ${point.commit.slice(0, 12)} is not a valid trace: ${first?.message ?? 'unknown problem'}`,
      '`ct diff <id>` shows the raw text of each version',
    );
  }
  return { ...point, trace: parsed.trace as Trace };
}

/**
 * The raw text and path of the trace file at a point, or undefined when the trace did not exist
 * there (not yet created, or deleted). The id is looked for at that commit, and failing that
 * (a prefix may be unique today but not then, or the trace came later), by its full id from HEAD.
 */
export async function readTraceText(
  root: string,
  query: string,
  point: Pick<VersionPoint, 'commit'>,
): Promise<{ path: string; text: string; id: string } | undefined> {
  const located = await locateTrace(root, query, point.commit).catch((e: unknown) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });
  if (!located || located.deleted) return undefined;
  const spec = `${point.commit}:${located.path}`;
  const text = (await readBlobs(root, [spec])).get(spec);
  return text === undefined ? undefined : { path: located.path, text, id: located.id };
}

export function describePoint(point: VersionPoint): string {
  const short = point.commit.slice(0, 12);
  return point.at === point.commit || point.at === short ? short : `${point.at} (commit ${short})`;
}

/** True when `ancestor` is reachable from `commit`. */
export async function isAncestor(root: string, ancestor: string, commit: string): Promise<boolean> {
  return (await spawnGit(root, ['merge-base', '--is-ancestor', ancestor, commit])).code === 0;
}
