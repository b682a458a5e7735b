import { z } from 'zod';
import { FLAG_REASONS } from '../ballot/schema.js';
import type { WriteVerdict } from '../ballot/verify.js';
import { computeReputation, reputationIn, voteWeight } from './reputation.js';
import { wilsonLowerBound } from './wilson.js';

/**
 * The trust of every trace from its votes, flags and authors (see formulas.ts for the whole
 * definition, which `ct trust` prints):
 *
 *   counted(v)   the vote file is valid, committed, and the last commit that wrote it was made by
 *                the voter it is named after (src/ballot/verify.ts: author and committer, and a
 *                good signature where ct.yml requires one), and that voter is not the trace's author
 *   W+, W-       sums of weight(v) (reputation.ts) over the counted up- and down-votes
 *   trust        Wilson lower bound (95%) of W+ out of W+ + W-
 *   validated    a seed, or at least `validatedAfter` counted up-votes (distinct voters: one
 *                file per voter key, and a counted file's name is its writer's key)
 *   disputed     at least one counted flag: valid, and written by its flagger as votes are (flags
 *                only rank down; they are never hidden)
 *
 * Pure: the inputs come from the checkout and its history (assess.ts).
 */

export const VOTE_VERDICTS = {
  counted: 'counted',
  'own-trace': "the trace's author voted on their own trace",
  'not-written-by-voter': 'the file is named after another voter than the author of the last commit that wrote it',
  'other-committer': 'the last commit that wrote the file was committed by someone else than its author',
  unsigned: 'the last commit that wrote the file has no good signature by the voter (ct.yml requires signed votes)',
  uncommitted: 'the file is not committed on this branch, so its voter cannot be checked',
  'invalid-file': 'the file does not match the vote format (`ct check` reports it)',
} as const;
export type VoteVerdict = keyof typeof VOTE_VERDICTS;

export const VoteDetailSchema = z.object({
  file: z.string().describe('votes/<trace-id>/<voter>.yml'),
  voter: z.string().describe('The voter key the file is named by.'),
  vote: z.enum(['up', 'down']).nullable().describe('null when the file is malformed.'),
  counted: z.boolean(),
  verdict: z
    .enum(Object.keys(VOTE_VERDICTS) as [VoteVerdict, ...VoteVerdict[]])
    .describe('Why the vote counts or not.'),
  reason: z.string().describe('The verdict in words.'),
  reputation: z.number().describe("The voter's reputation in the trace's tags: max over its tags."),
  reputation_tag: z.string().nullable().describe('The tag that gives that reputation.'),
  weight: z.number().describe('1 + log2(1 + reputation) when counted, else 0.'),
});
export type VoteDetail = z.infer<typeof VoteDetailSchema>;

export const FlagDetailSchema = z.object({
  file: z.string().describe('flags/<trace-id>/<voter>.yml'),
  voter: z.string(),
  reason: z.enum(FLAG_REASONS).nullable().describe('null when the file is malformed (then it does not count).'),
  counted: z.boolean(),
  written_by_voter: z
    .boolean()
    .nullable()
    .describe(
      'Whether the last commit that wrote the file is by the voter it is named after (as for votes); ' +
        'null when uncommitted. Only such flags count: a flag written in another name disputes nothing.',
    ),
});
export type FlagDetail = z.infer<typeof FlagDetailSchema>;

export const TraceTrustSchema = z.object({
  id: z.string(),
  author: z
    .string()
    .nullable()
    .describe("The author's voter key; null when the trace is not committed on this branch."),
  seed: z.boolean().describe('Added by a seed import (commit author seeds@commontrace.invalid).'),
  up: z.number().int().describe('Counted up-votes.'),
  down: z.number().int().describe('Counted down-votes.'),
  weighted_up: z.number().describe('W+: the sum of the weights of the counted up-votes.'),
  weighted_down: z.number().describe('W-: the sum of the weights of the counted down-votes.'),
  trust: z.number().describe('Wilson lower bound (95%) of W+ out of W+ + W-; 0 without counted votes.'),
  validated: z.boolean(),
  disputed: z.boolean(),
  flags: z.number().int(),
  flagReasons: z.array(z.string()),
  author_votes_ignored: z.number().int().describe("Votes by the trace's author, which do not count."),
  unverified_votes_ignored: z
    .number()
    .int()
    .describe('Votes not written by the voter their file is named after, or not committed.'),
  votes: z.array(VoteDetailSchema),
  flag_files: z.array(FlagDetailSchema),
});
export type TraceTrust = z.infer<typeof TraceTrustSchema>;

export interface ScoredTrace {
  id: string;
  tags: readonly string[];
  /** The author's voter key; null when not committed on this branch. */
  author: string | null;
  seed: boolean;
}

export interface ScoredBallot<K> {
  file: string;
  traceId: string;
  /** The voter key the file is named by. */
  voter: string;
  /** The parsed content; undefined when malformed. */
  value: K | undefined;
  /** The last commit that wrote the file, judged by verifyBallotWrite; uncommitted when there is none. */
  write: WriteVerdict | 'uncommitted';
}

export interface ScoreInput {
  traces: readonly ScoredTrace[];
  votes: readonly ScoredBallot<'up' | 'down'>[];
  flags: readonly ScoredBallot<(typeof FLAG_REASONS)[number]>[];
  /** ct.yml policy.validated_after */
  validatedAfter: number;
  /** Ids to report even without votes, flags or seed status (`ct trust <id>`). */
  include?: readonly string[];
}

/** Trust for every trace that has votes, flags or is a seed. */
export function scoreTraces(input: ScoreInput): Map<string, TraceTrust> {
  const traces = new Map(input.traces.map((t) => [t.id, t]));
  const verdictOf = (v: ScoredBallot<'up' | 'down'>): VoteVerdict => {
    if (v.value === undefined) return 'invalid-file';
    if (v.write === 'uncommitted') return 'uncommitted';
    if (v.write === 'wrong-voter') return 'not-written-by-voter';
    if (v.write !== 'ok') return v.write;
    if (traces.get(v.traceId)?.author === v.voter) return 'own-trace';
    return 'counted';
  };
  const verdicts = input.votes.map((v) => ({ vote: v, verdict: verdictOf(v) }));
  const countedUp = new Map<string, number>();
  for (const { vote, verdict } of verdicts)
    if (verdict === 'counted' && vote.value === 'up')
      countedUp.set(vote.traceId, (countedUp.get(vote.traceId) ?? 0) + 1);
  const reputation = computeReputation(input.traces, countedUp);

  const out = new Map<string, TraceTrust>();
  const get = (id: string): TraceTrust => {
    let t = out.get(id);
    if (!t) {
      const trace = traces.get(id);
      t = {
        id,
        author: trace?.author ?? null,
        seed: trace?.seed ?? false,
        up: 0,
        down: 0,
        weighted_up: 0,
        weighted_down: 0,
        trust: 0,
        validated: false,
        disputed: false,
        flags: 0,
        flagReasons: [],
        author_votes_ignored: 0,
        unverified_votes_ignored: 0,
        votes: [],
        flag_files: [],
      };
      out.set(id, t);
    }
    return t;
  };
  for (const { vote, verdict } of verdicts) {
    const t = get(vote.traceId);
    const counted = verdict === 'counted';
    const rep = reputationIn(reputation, vote.voter, traces.get(vote.traceId)?.tags ?? []);
    const weight = counted ? voteWeight(rep.value) : 0;
    t.votes.push({
      file: vote.file,
      voter: vote.voter,
      vote: vote.value ?? null,
      counted,
      verdict,
      reason: VOTE_VERDICTS[verdict],
      reputation: rep.value,
      reputation_tag: rep.tag,
      weight: round(weight),
    });
    if (verdict === 'own-trace') t.author_votes_ignored++;
    if (verdict !== 'counted' && verdict !== 'own-trace' && verdict !== 'invalid-file') t.unverified_votes_ignored++;
    if (!counted) continue;
    if (vote.value === 'up') {
      t.up++;
      t.weighted_up += weight;
    } else {
      t.down++;
      t.weighted_down += weight;
    }
  }
  for (const flag of input.flags) {
    const t = get(flag.traceId);
    const counted = flag.value !== undefined && flag.write === 'ok';
    t.flag_files.push({
      file: flag.file,
      voter: flag.voter,
      reason: flag.value ?? null,
      counted,
      written_by_voter: flag.write === 'uncommitted' ? null : flag.write === 'ok',
    });
    if (!counted) continue;
    t.flags++;
    t.flagReasons.push(flag.value as string);
  }
  for (const trace of input.traces) if (trace.seed) get(trace.id);
  for (const id of input.include ?? []) get(id);
  for (const t of out.values()) {
    t.trust = wilsonLowerBound(t.weighted_up, t.weighted_down);
    t.weighted_up = round(t.weighted_up);
    t.weighted_down = round(t.weighted_down);
    t.validated = t.seed || t.up >= input.validatedAfter;
    t.disputed = t.flags > 0;
  }
  return out;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
