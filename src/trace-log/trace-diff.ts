import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { NotFoundError, UsageError } from '../errors.js';
import { runGit } from '../git/run.js';
import { parseTrace } from '../trace/parse.js';
import { describePoint, readTraceText, resolvePoint, type VersionPoint, VersionPointSchema } from './trace-at.js';
import { getTraceLog, type TraceEvent, TraceEventSchema } from './trace-log.js';

const CHANGE_TYPES = new Set(['created', 'amended', 'renamed', 'deprecated', 'deleted', 'restored']);

const SideSchema = VersionPointSchema.extend({
  path: z.string().nullable().describe('The trace file at that point; null when the trace did not exist then.'),
});

/** `ct diff <id> [from [to]] --json`. */
export const TraceDiffSchema = z.object({
  id: z.string().describe('The trace id.'),
  from: SideSchema,
  to: SideSchema,
  changes: z
    .array(TraceEventSchema)
    .describe('The commits that changed the trace between the two points, oldest first, with their reasons.'),
  fields: z
    .array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() }))
    .describe('Frontmatter fields and sections whose value changed.'),
  diff: z.string().describe('A unified diff of the trace file.'),
});
export type TraceDiff = z.infer<typeof TraceDiffSchema>;

/**
 * What changed in a trace between two points of the store's history (commits, branches, tags or
 * dates), with the amendment commits in between and their reasons. Without `to`, up to HEAD;
 * without `from` either, the last change: the version before the latest commit that touched it.
 */
export async function diffTrace(root: string, query: string, from?: string, to?: string): Promise<TraceDiff> {
  const toPoint = await resolvePoint(root, to ?? 'HEAD');
  const log = await getTraceLog(root, query, { ref: toPoint.commit });
  const edits = log.events.filter((e) => CHANGE_TYPES.has(e.type));
  let fromPoint: VersionPoint;
  if (from !== undefined) fromPoint = await resolvePoint(root, from);
  else {
    const last = edits.at(-1);
    if (!last)
      throw new NotFoundError('no-history', `no commit changes the trace ${query}`, 'ct log <id> shows its history');
    // The trace's first commit has no parent in a store that began with it: compare with nothing.
    const parent = await resolvePoint(root, `${last.commit}^`).catch((e: unknown) => {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    });
    fromPoint = parent
      ? { ...parent, at: `${last.commit.slice(0, 12)}^` }
      : { at: 'before the first commit', commit: '', date: '' };
  }
  if (fromPoint.commit && fromPoint.commit === toPoint.commit)
    throw new UsageError(
      `${describePoint(fromPoint)} and ${describePoint(toPoint)} are the same commit`,
      'give two different points, e.g. `ct diff <id> 2026-11-01` (from a date to now)',
    );
  const [before, after] = await Promise.all([
    fromPoint.commit ? readTraceText(root, log.id, fromPoint) : undefined,
    readTraceText(root, log.id, toPoint),
  ]);
  const between = new Set(
    (
      await runGit(root, ['rev-list', fromPoint.commit ? `${fromPoint.commit}..${toPoint.commit}` : toPoint.commit])
    ).stdout
      .split('\n')
      .filter(Boolean),
  );
  const changes = edits.filter((e: TraceEvent) => between.has(e.commit));
  const label = (point: VersionPoint, side: typeof before) =>
    side ? `${side.path} @ ${point.commit.slice(0, 12)}` : `(no trace at ${point.at})`;
  return {
    id: log.id,
    from: { ...fromPoint, path: before?.path ?? null },
    to: { ...toPoint, path: after?.path ?? null },
    changes,
    fields: changedFields(before?.text, after?.text),
    diff: createTwoFilesPatch(
      label(fromPoint, before),
      label(toPoint, after),
      before?.text ?? '',
      after?.text ?? '',
      undefined,
      undefined,
      { context: 3 },
    )
      .split('\n')
      .filter((l) => !/^(Index: |={60,})/.test(l))
      .join('\n'),
  };
}

/** The frontmatter fields and sections that differ, from each version's parse (invalid versions count as empty). */
function changedFields(before: string | undefined, after: string | undefined): TraceDiff['fields'] {
  const read = (text: string | undefined) => {
    if (text === undefined) return {};
    const parsed = parseTrace(text, 'trace.md');
    const data = (parsed.data ?? {}) as Record<string, unknown>;
    const sections = (parsed.trace?.sections ?? {}) as Record<string, unknown>;
    return { ...data, ...Object.fromEntries(Object.entries(sections).map(([k, v]) => [`section:${k}`, v])) };
  };
  const a: Record<string, unknown> = read(before);
  const b: Record<string, unknown> = read(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((field) => ({ field, from: a[field] ?? null, to: b[field] ?? null }));
}
