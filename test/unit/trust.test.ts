import { describe, expect, it } from 'vitest';
import { voterKey } from '../../src/ballot/schema.js';
import { replayHistory } from '../../src/ballot/writers.js';
import { parseLog } from '../../src/git/log.js';
import { computeReputation, reputationIn, voteWeight } from '../../src/trust/reputation.js';
import { type ScoredBallot, type ScoredTrace, scoreTraces } from '../../src/trust/score.js';
import { wilsonLowerBound } from '../../src/trust/wilson.js';

const [ALICE, BOB, CAROL, DAVE] = ['a'.repeat(16), 'b'.repeat(16), 'c'.repeat(16), 'd'.repeat(16)] as const;

const trace = (id: string, author: string | null, tags: string[] = ['docker'], seed = false): ScoredTrace => ({
  id,
  tags,
  author,
  seed,
});
/** A committed vote written by its voter unless `write` (verifyBallotWrite's verdict) says otherwise. */
const ballot = <K>(
  traceId: string,
  voter: string,
  value: K | undefined,
  write: ScoredBallot<K>['write'] = 'ok',
): ScoredBallot<K> => ({ file: `votes/${traceId}/${voter}.yml`, traceId, voter, value, write });

describe('wilsonLowerBound on weighted counts', () => {
  it('matches the unweighted bound for whole counts and grows with weight', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(3, 0)).toBeCloseTo(0.4385, 3);
    // Weighted counts are fractional: the bound is continuous between the whole counts.
    expect(wilsonLowerBound(2.585, 0)).toBeGreaterThan(wilsonLowerBound(2, 0));
    expect(wilsonLowerBound(2.585, 0)).toBeLessThan(wilsonLowerBound(3, 0));
    // One weight-4 up-vote is as certain as four weight-1 up-votes.
    expect(wilsonLowerBound(4, 0)).toBeCloseTo(0.5101, 3);
    expect(wilsonLowerBound(4, 1)).toBeLessThan(wilsonLowerBound(4, 0));
    expect(wilsonLowerBound(0, 5)).toBe(0);
  });
});

describe('reputation and vote weight', () => {
  it('weight = 1 + log2(1 + reputation)', () => {
    expect([0, 1, 3, 7, 1023].map(voteWeight)).toEqual([1, 2, 3, 4, 11]);
    expect(voteWeight(2)).toBeCloseTo(2.585, 3);
  });

  it('counts merged traces per tag plus the counted up-votes they received', () => {
    const rep = computeReputation(
      [
        trace('T1', ALICE, ['docker', 'postgresql']),
        trace('T2', ALICE, ['docker']),
        trace('T3', BOB, ['python']),
        trace('T4', null, ['docker']),
      ],
      new Map([
        ['T1', 3],
        ['T3', 1],
      ]),
    );
    expect(rep.get(ALICE)?.get('docker')).toBe(2 + 3);
    expect(rep.get(ALICE)?.get('postgresql')).toBe(1 + 3);
    expect(rep.get(BOB)?.get('python')).toBe(2);
    // An uncommitted trace (no author) earns nothing.
    expect([...rep.keys()].sort()).toEqual([ALICE, BOB]);
    expect(reputationIn(rep, ALICE, ['postgresql', 'docker'])).toEqual({ value: 5, tag: 'docker' });
    expect(reputationIn(rep, ALICE, ['python'])).toEqual({ value: 0, tag: null });
    expect(reputationIn(rep, CAROL, ['docker'])).toEqual({ value: 0, tag: null });
  });
});

describe('scoreTraces', () => {
  it('weights each counted vote by the voter reputation in the trace tags', () => {
    // Bob wrote two docker traces; Carol up-voted one of them: rep(Bob, docker) = 2 + 1 = 3.
    const traces = [trace('T1', ALICE), trace('B1', BOB), trace('B2', BOB, ['docker', 'redis'])];
    const scored = scoreTraces({
      traces,
      votes: [ballot('T1', BOB, 'up'), ballot('B1', CAROL, 'up'), ballot('T1', DAVE, 'down')],
      flags: [],
      validatedAfter: 2,
    });
    const t1 = scored.get('T1');
    expect(t1?.votes.map((v) => [v.voter, v.reputation, v.reputation_tag, v.weight])).toEqual([
      [BOB, 3, 'docker', 3],
      [DAVE, 0, null, 1],
    ]);
    expect(t1).toMatchObject({ up: 1, down: 1, weighted_up: 3, weighted_down: 1, validated: false });
    expect(t1?.trust).toBeCloseTo(wilsonLowerBound(3, 1), 10);
    expect(t1?.trust).toBeGreaterThan(wilsonLowerBound(1, 1));
  });

  it("ignores authors' votes on their own traces and votes not written by their voter", () => {
    const scored = scoreTraces({
      traces: [trace('T1', ALICE)],
      votes: [
        ballot('T1', ALICE, 'up'),
        ballot('T1', BOB, 'up', 'wrong-voter'),
        ballot('T1', CAROL, 'up', 'uncommitted'),
        ballot<'up' | 'down'>('T1', DAVE, undefined),
        ballot('T1', 'e'.repeat(16), 'up', 'other-committer'),
        ballot('T1', 'f'.repeat(16), 'up', 'unsigned'),
      ],
      flags: [],
      validatedAfter: 1,
    });
    const t1 = scored.get('T1');
    expect(t1?.votes.map((v) => [v.voter, v.counted, v.verdict, v.weight])).toEqual([
      [ALICE, false, 'own-trace', 0],
      [BOB, false, 'not-written-by-voter', 0],
      [CAROL, false, 'uncommitted', 0],
      [DAVE, false, 'invalid-file', 0],
      ['e'.repeat(16), false, 'other-committer', 0],
      ['f'.repeat(16), false, 'unsigned', 0],
    ]);
    expect(t1).toMatchObject({
      up: 0,
      down: 0,
      weighted_up: 0,
      trust: 0,
      validated: false,
      author_votes_ignored: 1,
      unverified_votes_ignored: 4,
    });
  });

  it('validates at policy.validated_after counted up-votes from people other than the author, and seeds always', () => {
    const score = (voters: string[], validatedAfter = 2) =>
      scoreTraces({
        traces: [trace('T1', ALICE)],
        votes: voters.map((v) => ballot('T1', v, 'up')),
        flags: [],
        validatedAfter,
      }).get('T1')?.validated;
    expect(score([BOB])).toBe(false);
    expect(score([BOB, ALICE])).toBe(false);
    expect(score([BOB, CAROL])).toBe(true);
    expect(score([BOB, CAROL], 3)).toBe(false);
    expect(score([BOB, CAROL, DAVE], 3)).toBe(true);
    const seeded = scoreTraces({
      traces: [trace('S1', 'e'.repeat(16), ['docker'], true)],
      votes: [],
      flags: [],
      validatedAfter: 2,
    });
    expect(seeded.get('S1')).toMatchObject({ seed: true, validated: true, up: 0, trust: 0 });
  });

  it('marks a trace disputed by a valid flag written by its flagger, and reports only traces with signals', () => {
    const scored = scoreTraces({
      traces: [trace('T1', ALICE), trace('T2', BOB), trace('T3', CAROL)],
      votes: [],
      flags: [
        ballot('T1', ALICE, 'outdated' as const),
        ballot('T2', BOB, 'wrong' as const, 'wrong-voter'),
        ballot<'wrong'>('T2', DAVE, undefined),
        ballot('T2', CAROL, 'spam' as const, 'uncommitted'),
      ],
      validatedAfter: 2,
      include: ['T3'],
    });
    expect(scored.get('T1')).toMatchObject({ disputed: true, flags: 1, flagReasons: ['outdated'] });
    // A flag written in someone else's name, a malformed one and an uncommitted one dispute nothing.
    expect(scored.get('T2')).toMatchObject({ disputed: false, flags: 0, flagReasons: [] });
    expect(scored.get('T2')?.flag_files.map((f) => [f.counted, f.written_by_voter])).toEqual([
      [false, false],
      [false, true],
      [false, null],
    ]);
    expect(scored.get('T3')).toMatchObject({ disputed: false, flags: 0, author: CAROL });
    expect(scored.size).toBe(3);
  });
});

describe('history replay', () => {
  // `git log -z --raw --cc` output: a record per commit (\x1e, then NUL-separated fields), then
  // raw changes, `:` headers with one mode and blob per parent (`::` for a two-parent merge).
  const Z = '0'.repeat(40);
  const B = 'b'.repeat(40);
  const hash = (n: number) => String(n).repeat(40).slice(0, 40);
  const record = (n: number, email: string, changes: string[][]) =>
    `\x1e${hash(n)}\0\0Name\0${email}\0${email}\u00002026-11-01T00:00:00Z\0subject\0\0\n` +
    changes
      .map(([status, ...paths]) => {
        const merge = (status as string).length === 2 && !/^[RC]/.test(status as string);
        const head = merge ? `::100644 100644 100644 ${B} ${B} ${B} ${status}` : `:100644 100644 ${Z} ${B} ${status}`;
        return `${head}\0${paths.join('\0')}\0`;
      })
      .join('');

  it('keeps a trace with the commit that added it across renames, and tracks the last writer of ballots', () => {
    const commits = parseLog(
      [
        record(1, 'Alice@Example.com', [
          ['A', 'traces/a/x.md'],
          ['A', 'votes/T/k.yml'],
        ]),
        record(2, 'bob@example.com', [
          ['R100', 'traces/a/x.md', 'traces/b/x.md'],
          ['M', 'votes/T/k.yml'],
        ]),
        record(3, 'carol@example.com', [
          ['A', 'traces/b/y.md'],
          ['D', 'votes/T/k.yml'],
          ['A', 'flags/T/f.yml'],
        ]),
        // A merge reports only what it changed itself, one status letter per parent.
        record(4, 'dave@example.com', [
          ['MM', 'flags/T/f.yml'],
          ['AA', 'votes/T/e.yml'],
        ]),
      ].join(''),
    );
    expect(commits.map((c) => c.changes.length)).toEqual([2, 2, 3, 2]);
    expect(commits[1]?.changes[0]).toMatchObject({ status: 'R', from: 'traces/a/x.md', path: 'traces/b/x.md' });
    expect(commits[3]?.changes.map((c) => c.status)).toEqual(['M', 'A']);
    expect(commits[0]?.author.email).toBe('Alice@Example.com');
    const history = replayHistory(commits);
    expect(history.added.get('traces/b/x.md')?.email).toBe('Alice@Example.com');
    expect(history.added.get('traces/b/x.md')?.key).toBe(voterKey('alice@example.com'));
    expect(history.added.has('traces/a/x.md')).toBe(false);
    expect(history.added.get('traces/b/y.md')?.commit).toBe(hash(3));
    expect(history.written.has('votes/T/k.yml')).toBe(false);
    expect(history.written.get('flags/T/f.yml')?.commit).toBe(hash(4));
    expect(history.written.get('votes/T/e.yml')?.email).toBe('dave@example.com');
  });
});
