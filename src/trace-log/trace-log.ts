import path from 'node:path';
import { z } from 'zod';
import { FLAG_REASONS, FlagFileSchema, VoteFileSchema, voterKey } from '../ballot/schema.js';
import { readBlobs } from '../git/blobs.js';
import { type LogRecord, type RawChange, readLog, ZERO_OID } from '../git/log.js';
import { spawnGit } from '../git/run.js';
import { parseYamlSafely } from '../trace/frontmatter.js';
import { parseTrace } from '../trace/parse.js';
import { literalPath, locateTrace, resolveCommit } from './locate-trace.js';

const AuthorSchema = z.object({ name: z.string(), email: z.string() }).describe('The git author of the commit.');

const eventBase = {
  at: z.string().describe('When: the commit author date, ISO 8601.'),
  commit: z.string().describe('The commit that made the change.'),
  author: AuthorSchema,
  subject: z.string().describe("The commit's subject line."),
  summary: z.string().describe('One line for people: what happened.'),
};

const VoteEventSchema = z.object({
  type: z.literal('vote'),
  ...eventBase,
  voter: z.string().describe('The voter key (file name under votes/<id>/).'),
  action: z.enum(['cast', 'changed', 'withdrawn']),
  vote: z
    .enum(['up', 'down'])
    .optional()
    .describe('The vote (for withdrawn: the vote that was withdrawn); absent when the file is malformed.'),
  reason: z.string().optional(),
  counts: z.boolean().describe("False for a vote by the trace's own author: it does not count toward trust."),
  not_counted: z.string().optional().describe('Why the vote does not count.'),
  committed_by_voter: z
    .boolean()
    .describe("True when the commit's author email hashes to the voter key, as the store's CI requires."),
});

const FlagEventSchema = z.object({
  type: z.literal('flag'),
  ...eventBase,
  voter: z.string().describe('The flagger key (file name under flags/<id>/).'),
  action: z.enum(['raised', 'changed', 'removed']),
  reason: z.enum(FLAG_REASONS).optional().describe('Why the trace was flagged; absent when the file is malformed.'),
  note: z.string().optional(),
  duplicate_of: z.string().optional(),
});

/** One step in the life of a trace. */
export const TraceEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('created'), ...eventBase, path: z.string() }),
  z.object({
    type: z.literal('amended'),
    ...eventBase,
    path: z.string(),
    reason: z.string().optional().describe('The amendment reason: the first line of the commit body.'),
  }),
  z.object({ type: z.literal('renamed'), ...eventBase, from: z.string(), path: z.string() }),
  z.object({ type: z.literal('deprecated'), ...eventBase, path: z.string(), reason: z.string().optional() }),
  z.object({ type: z.literal('deleted'), ...eventBase, path: z.string(), reason: z.string().optional() }),
  z.object({ type: z.literal('restored'), ...eventBase, path: z.string() }),
  VoteEventSchema,
  FlagEventSchema,
]);
export type TraceEvent = z.infer<typeof TraceEventSchema>;

/** `ct log <id> --json` and the MCP server's trace history: the life of a trace from git. */
export const TraceLogSchema = z.object({
  id: z.string().describe('The trace id.'),
  title: z.string().nullable().describe('The title in the latest version.'),
  path: z.string().describe('The trace file now (or when it was deleted).'),
  ref: z.string().describe('The history read: a branch, tag or commit of the store (default HEAD).'),
  commit: z.string().describe('The commit the ref pointed at.'),
  deleted: z.boolean().describe('True when the trace is no longer in the store at that commit.'),
  author: AuthorSchema.nullable().describe(
    'Who created the trace (the author of the commit that added it); null when that commit is not in ' +
      'the history (shallow clone).',
  ),
  events: z.array(TraceEventSchema).describe('Oldest first.'),
  current: z
    .object({
      up: z.number().int().describe('Up-votes that count (not by the trace author).'),
      down: z.number().int().describe('Down-votes that count.'),
      not_counted: z.number().int().describe("Votes present that do not count: the trace author's own."),
      flags: z.number().int().describe('Open flags.'),
      status: z
        .enum(['active', 'deprecated'])
        .nullable()
        .describe('The status in the latest version; null when deleted or unreadable.'),
    })
    .describe('The votes and flags in the store at that commit.'),
});
export type TraceLog = z.infer<typeof TraceLogSchema>;

export interface TraceLogOptions {
  /** The history to read: a branch, tag or commit (default HEAD). */
  ref?: string;
}

/**
 * The life of a trace from git history: created, amended (with the reason from the commit
 * message), renamed, deprecated, deleted, and every vote and flag, oldest first. A handful of
 * git processes whatever the length of the history: grep (find the file), log --follow (its
 * names over time), one log over all its names and its votes/flags folders (a single order
 * consistent with the commit graph), ls-tree (today's ballots) and one cat-file for every blob.
 */
export async function getTraceLog(root: string, query: string, options: TraceLogOptions = {}): Promise<TraceLog> {
  const ref = options.ref ?? 'HEAD';
  const commit = await resolveCommit(root, ref);
  const located = await locateTrace(root, query, commit);
  const { id } = located;
  const ballotDirs = [`votes/${id}/`, `flags/${id}/`];
  // The --follow log (the file's names over time) and the combined log run side by side; only
  // when the file was renamed does the combined log need a second run with the old names.
  const combinedLog = (paths: Iterable<string>) =>
    readLog(root, { revisions: [commit, '--date-order'], paths: [...[...paths].map(literalPath), ...ballotDirs] });
  const [followed, firstCombined, ballotsNow] = await Promise.all([
    readLog(root, { revisions: [commit, '--follow'], paths: [literalPath(located.path)] }),
    combinedLog([located.path]),
    listBlobs(root, commit, ballotDirs),
  ]);
  const tracePaths = new Set<string>([located.path]);
  for (const record of followed)
    for (const change of record.changes) for (const p of [change.path, change.from]) if (p) tracePaths.add(p);
  const combined = tracePaths.size > 1 ? await combinedLog(tracePaths) : firstCombined;

  const chronological = orderRecords(followed, combined);
  const traceCommits = new Map(followed.map((r) => [r.commit, r]));
  const blobIds = new Set<string>();
  for (const record of chronological) {
    for (const change of changesOf(record, traceCommits, id))
      for (const blob of [change.oldBlob, change.newBlob]) if (blob !== ZERO_OID) blobIds.add(blob);
  }
  for (const entry of ballotsNow) blobIds.add(entry.blob);
  const blobs = await readBlobs(root, blobIds);

  const events: TraceEvent[] = [];
  let creator: { name: string; email: string } | null = null;
  let created = false;
  let latestText: string | undefined;
  for (const record of chronological) {
    const base = { at: record.at, commit: record.commit, author: record.author, subject: record.subject };
    const reason = reasonOf(record);
    for (const change of traceCommits.get(record.commit)?.changes ?? []) {
      const before = blobs.get(change.oldBlob);
      const after = blobs.get(change.newBlob);
      if (change.status === 'D') {
        latestText = before ?? latestText;
        events.push({
          type: 'deleted',
          ...base,
          path: change.path,
          ...opt('reason', reason),
          summary: `deleted ${change.path}${reason ? `: ${reason}` : ''}`,
        });
        continue;
      }
      latestText = after ?? latestText;
      if (change.status === 'A' || change.status === 'C') {
        if (!created) {
          creator = record.author;
          events.push({
            type: 'created',
            ...base,
            path: change.path,
            summary: `created: ${titleOf(after) ?? record.subject}`,
          });
        } else {
          events.push({ type: 'restored', ...base, path: change.path, summary: `restored as ${change.path}` });
        }
        created = true;
        continue;
      }
      if (change.status === 'R' && change.from) {
        events.push({
          type: 'renamed',
          ...base,
          from: change.from,
          path: change.path,
          summary: `moved ${change.from} -> ${change.path}`,
        });
        if (change.oldBlob === change.newBlob) continue;
      }
      const wasDeprecated = statusOf(before) === 'deprecated';
      const isDeprecated = statusOf(after) === 'deprecated';
      if (isDeprecated && !wasDeprecated) {
        events.push({
          type: 'deprecated',
          ...base,
          path: change.path,
          ...opt('reason', reason),
          summary: `deprecated${reason ? `: ${reason}` : ''}`,
        });
      } else {
        const what = wasDeprecated && !isDeprecated ? 'reactivated' : 'amended';
        events.push({
          type: 'amended',
          ...base,
          path: change.path,
          ...opt('reason', reason),
          summary: `${what}${reason ? `: ${reason}` : `: ${record.subject}`}`,
        });
      }
    }
    for (const change of record.changes) {
      const ballot = ballotEvent(change, id, base, blobs, creator);
      if (ballot) events.push(ballot);
    }
  }

  const creatorKey = creator ? voterKey(creator.email) : undefined;
  const current = {
    up: 0,
    down: 0,
    not_counted: 0,
    flags: 0,
    status: located.deleted ? null : (statusOf(latestText) ?? null),
  };
  for (const entry of ballotsNow) {
    const key = path.posix.basename(entry.path, '.yml');
    if (entry.path.startsWith('flags/')) {
      if (FlagFileSchema.safeParse(parseYaml(blobs.get(entry.blob))).success) current.flags++;
      continue;
    }
    const vote = VoteFileSchema.safeParse(parseYaml(blobs.get(entry.blob))).data?.vote;
    if (!vote) continue;
    if (key === creatorKey) current.not_counted++;
    else current[vote]++;
  }
  return {
    id,
    title: titleOf(latestText) ?? null,
    path: located.path,
    ref,
    commit,
    deleted: located.deleted,
    author: creator,
    events,
    current,
  };
}

type Base = Pick<TraceEvent, 'at' | 'commit' | 'author' | 'subject'>;

function ballotEvent(
  change: RawChange,
  id: string,
  base: Base,
  blobs: ReadonlyMap<string, string>,
  creator: { email: string } | null,
): TraceEvent | undefined {
  const [dir, traceId, file] = change.path.split('/');
  if (
    (dir !== 'votes' && dir !== 'flags') ||
    traceId !== id ||
    !file?.endsWith('.yml') ||
    change.path.split('/').length !== 3
  )
    return undefined;
  const voter = file.slice(0, -'.yml'.length);
  const removed = change.status === 'D';
  const text = blobs.get(removed ? change.oldBlob : change.newBlob);
  const changed = change.status === 'M' || change.status === 'T';
  if (dir === 'votes') {
    const data = VoteFileSchema.safeParse(parseYaml(text)).data;
    const own = creator !== null && voterKey(creator.email) === voter;
    const action = removed ? 'withdrawn' : changed ? 'changed' : 'cast';
    const verb = removed
      ? `withdrew ${data?.vote ?? 'a'} vote`
      : `${changed ? 'changed vote to' : 'voted'} ${data?.vote ?? '(malformed file)'}`;
    const notCounted = own ? "the trace author's own vote" : undefined;
    const byVoter = voterKey(base.author.email) === voter;
    const summary = `${verb}${data?.reason && !removed ? `: ${data.reason}` : ''}${own && !removed ? ' (not counted: own trace)' : ''}${byVoter ? '' : ' (committed by someone other than the voter)'}`;
    return {
      type: 'vote',
      ...base,
      voter,
      action,
      ...opt('vote', data?.vote),
      ...opt('reason', data?.reason),
      counts: !own,
      ...opt('not_counted', notCounted),
      committed_by_voter: byVoter,
      summary,
    };
  }
  const data = FlagFileSchema.safeParse(parseYaml(text)).data;
  const action = removed ? 'removed' : changed ? 'changed' : 'raised';
  const verb = removed
    ? `removed ${data?.reason ?? 'a'} flag`
    : `${changed ? 'changed flag to' : 'flagged'} ${data?.reason ?? '(malformed file)'}`;
  const detail =
    !removed && data
      ? [data.note, data.duplicate_of ? `duplicate of ${data.duplicate_of}` : undefined].filter(Boolean).join('; ')
      : '';
  return {
    type: 'flag',
    ...base,
    voter,
    action,
    ...opt('reason', data?.reason),
    ...opt('note', data?.note),
    ...opt('duplicate_of', data?.duplicate_of),
    summary: `${verb}${detail ? `: ${detail}` : ''}`,
  };
}

/**
 * The records oldest first, in the order of the combined log (children after parents, then by
 * date). A commit only the --follow log saw (history simplification can differ) goes by date.
 */
function orderRecords(followed: readonly LogRecord[], combined: readonly LogRecord[]): LogRecord[] {
  const ordered = [...combined].reverse();
  const known = new Set(ordered.map((r) => r.commit));
  for (const record of [...followed].reverse()) {
    if (known.has(record.commit)) continue;
    const at = Date.parse(record.at);
    const index = ordered.findIndex((r) => Date.parse(r.at) > at);
    ordered.splice(index === -1 ? ordered.length : index, 0, record);
    known.add(record.commit);
  }
  return ordered;
}

/** A commit's changes: the trace file's from the --follow log (it knows renames), plus ballots. */
function changesOf(record: LogRecord, traceCommits: ReadonlyMap<string, LogRecord>, id: string): RawChange[] {
  const followed = traceCommits.get(record.commit)?.changes ?? [];
  const ballots = record.changes.filter((c) => c.path.startsWith(`votes/${id}/`) || c.path.startsWith(`flags/${id}/`));
  return [...followed, ...ballots];
}

async function listBlobs(
  root: string,
  commit: string,
  dirs: readonly string[],
): Promise<{ path: string; blob: string }[]> {
  const result = await spawnGit(root, ['-c', 'core.quotePath=false', 'ls-tree', '-r', '-z', commit, '--', ...dirs]);
  if (result.code !== 0) return [];
  return result.stdout
    .toString('utf8')
    .split('\0')
    .flatMap((line) => {
      const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(line);
      return match && match[2]?.endsWith('.yml') ? [{ blob: match[1] as string, path: match[2] }] : [];
    });
}

/**
 * The amendment reason: the first line of the commit body, unless the body is only trailers
 * (`Trace-Id: ...`), which `ct` adds to every commit.
 */
function reasonOf(record: LogRecord): string | undefined {
  const paragraphs = record.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const first = paragraphs[0];
  if (!first) return undefined;
  const lines = first.split('\n');
  if (paragraphs.length === 1 && lines.every((l) => /^[A-Za-z][A-Za-z0-9-]*: \S/.test(l))) return undefined;
  return lines[0]?.trim() || undefined;
}

function statusOf(text: string | undefined): 'active' | 'deprecated' | undefined {
  if (text === undefined) return undefined;
  const status = parseTrace(text, 'trace.md').data?.status;
  return status === 'deprecated' ? 'deprecated' : status === undefined || status === 'active' ? 'active' : undefined;
}

function titleOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const title = parseTrace(text, 'trace.md').data?.title;
  return typeof title === 'string' ? title : undefined;
}

function parseYaml(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parseYamlSafely(text);
  } catch {
    return undefined;
  }
}

/** `{ [key]: value }` when value is defined, else `{}`: optional fields stay absent in JSON. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
