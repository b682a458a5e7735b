import { readBallots } from '../ballot/read.js';
import { readSignatures, storeSigners } from '../ballot/signatures.js';
import { type BallotWrite, verifyBallotWrite } from '../ballot/verify.js';
import { readWriters, type Writer } from '../ballot/writers.js';
import { packagedSeedBlobs } from '../store/seeds.js';
import type { Store } from '../store/store.js';
import { releaseHeap } from '../util/heap.js';
import { type ScoredBallot, scoreTraces, type TraceTrust } from './score.js';
import { readTraceHeads } from './trace-heads.js';

export interface AssessOptions {
  /** ct.yml policy.validated_after */
  validatedAfter: number;
  /** ct.yml policy.require_signed_votes: a vote or flag counts only with a good signature by its voter. */
  requireSignedVotes?: boolean;
  /** ct.yml policy.allowed_signers: the store's allowed-signers file, against which signatures are checked. */
  allowedSigners?: string;
  /** ct.yml tags.aliases, so reputation is earned per canonical tag. */
  aliases?: Record<string, string>;
  /** Ids to report even without votes, flags or seed status. */
  include?: readonly string[];
}

/**
 * Trust of the traces of a store checkout, from its files (traces, votes, flags as they are now,
 * committed or not) and the history of its current branch: one `git log` for authors and
 * writers, one read of every trace's frontmatter and of every vote and flag file, and (when the
 * store requires signed votes) one `git log` over the commits that last wrote a ballot.
 *
 * Only the traces the answer depends on are kept from the frontmatter pass: those voted on or
 * flagged, the seeds, the ones asked for, and every trace authored by a voter (a voter's
 * reputation counts all of their traces). Memory then follows the votes, not the store's size.
 */
export async function assessStore(root: string, options: AssessOptions): Promise<Map<string, TraceTrust>> {
  const [ballots, seedBlobs] = await Promise.all([readBallots(root), packagedSeedBlobs()]);
  const ballotList = [...ballots.votes, ...ballots.flags];
  const voters = new Set(ballotList.map((b) => b.voter));
  const concerned = new Set([...ballotList.map((b) => b.traceId), ...(options.include ?? [])]);
  // History is asked twice, each time for the few trace files that matter: first those written by
  // a voter, then the authors of the other traces kept (the second read hits the cache the first
  // one wrote). Asking once for every file held 1,000,000 paths at 1,000,000 traces.
  const history = await readWriters(root, { keepAdded: (_file, writer) => voters.has(writer.key) });
  releaseHeap();
  const heads = await readTraceHeads(
    root,
    options.aliases,
    (head) => seedBlobs.has(head.blob) || concerned.has(head.id) || history.added.has(head.file),
  );
  releaseHeap();
  const others = new Set(heads.filter((h) => !history.added.has(h.file)).map((h) => h.file));
  if (others.size > 0) {
    const more = await readWriters(root, { keepAdded: (file) => others.has(file) });
    for (const [file, writer] of more.added) history.added.set(file, writer);
  }
  const authorOf = (file: string) => history.added.get(file)?.key ?? null;
  const traces = heads.map((head) => ({
    id: head.id,
    tags: head.tags,
    author: authorOf(head.file),
    seed: seedBlobs.has(head.blob),
  }));
  const requireSigned = options.requireSignedVotes === true;
  const writers = ballotList.map((b) => history.written.get(b.file));
  const signatures = requireSigned
    ? await readSignatures(
        root,
        writers.filter((w): w is Writer => w !== undefined).map((w) => w.commit),
        options.allowedSigners ? await storeSigners(root, options.allowedSigners) : undefined,
      )
    : undefined;
  const judged = <V>(b: { file: string; traceId: string; voter: string }, value: V | undefined): ScoredBallot<V> => {
    const writer = history.written.get(b.file);
    const write: BallotWrite | undefined = writer && {
      commit: writer.commit,
      author: writer.email,
      committer: writer.committer,
      signature: signatures?.get(writer.commit),
    };
    return {
      file: b.file,
      traceId: b.traceId,
      voter: b.voter,
      value,
      write: write ? verifyBallotWrite(write, b.voter, requireSigned) : 'uncommitted',
    };
  };
  return scoreTraces({
    traces,
    votes: ballots.votes.map((b) => judged(b, b.data?.vote)),
    flags: ballots.flags.map((b) => judged(b, b.data?.reason)),
    validatedAfter: options.validatedAfter,
    ...(options.include ? { include: options.include } : {}),
  });
}

/** The options of a store's ct.yml that trust depends on. */
export function trustOptions(store: Store): AssessOptions {
  const { policy, tags } = store.config;
  return {
    validatedAfter: policy.validated_after,
    requireSignedVotes: policy.require_signed_votes,
    allowedSigners: policy.allowed_signers,
    aliases: tags.aliases,
  };
}
