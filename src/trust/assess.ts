import { readBallots } from '../ballot/read.js';
import { readWriters } from '../ballot/writers.js';
import { SEEDS_IDENTITY } from '../store/seeds.js';
import { scoreTraces, type TraceTrust } from './score.js';
import { readTraceHeads } from './trace-heads.js';

export interface AssessOptions {
  /** ct.yml policy.validated_after */
  validatedAfter: number;
  /** ct.yml tags.aliases, so reputation is earned per canonical tag. */
  aliases?: Record<string, string>;
  /** Extra ids to treat as seeds (the index passes the ones it found). */
  seededIds?: ReadonlySet<string>;
  /** Ids to report even without votes, flags or seed status. */
  include?: readonly string[];
}

/**
 * Trust of the traces of a store checkout, from its files (traces, votes, flags as they are now,
 * committed or not) and the history of its current branch: one `git log` for authors and
 * writers, one read of every trace's frontmatter and of every vote and flag file.
 */
export async function assessStore(root: string, options: AssessOptions): Promise<Map<string, TraceTrust>> {
  const [history, heads, ballots] = await Promise.all([
    readWriters(root),
    readTraceHeads(root, options.aliases),
    readBallots(root),
  ]);
  const traces = heads.map((head) => {
    const added = history.added.get(head.file);
    const seed = added?.email.toLowerCase() === SEEDS_IDENTITY.email || options.seededIds?.has(head.id) === true;
    return { id: head.id, tags: head.tags, author: added?.key ?? null, seed };
  });
  const present = new Set(traces.map((t) => t.id));
  for (const id of options.seededIds ?? [])
    if (!present.has(id)) traces.push({ id, tags: [], author: null, seed: true });
  const withWriter = <V>(b: { file: string; traceId: string; voter: string }, value: V) => ({
    file: b.file,
    traceId: b.traceId,
    voter: b.voter,
    value,
    writer: history.written.get(b.file)?.key ?? null,
  });
  return scoreTraces({
    traces,
    votes: ballots.votes.map((b) => withWriter(b, b.data?.vote)),
    flags: ballots.flags.map((b) => withWriter(b, b.data?.reason)),
    validatedAfter: options.validatedAfter,
    ...(options.include ? { include: options.include } : {}),
  });
}
