import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { voterKey } from '../../src/ballot/schema.js';
import { readWriters } from '../../src/ballot/writers.js';
import { loadSignals } from '../../src/index/signals.js';
import { seedsDir } from '../../src/paths.js';
import { searchStores } from '../../src/search/search.js';
import { SEEDS_IDENTITY } from '../../src/store/seeds.js';
import { openStore } from '../../src/store/store.js';
import { explainTrust } from '../../src/trust/explain.js';
import { readSignals, wilsonLowerBound } from '../../src/trust/signals.js';
import { makeStore, writeFile } from '../helpers/git.js';
import { commitAs, FLAG, flagFile, gitAs, makeSigningKey, person, vote, voteFile } from '../helpers/people.js';
import { traceText } from '../helpers/trace.js';

const ID = (n: number) => `01KC${String(n).padStart(21, '0')}A`;
const [alice, bob, carol, dave, erin] = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'].map(person) as [
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
];
const seeds = { ...SEEDS_IDENTITY, key: voterKey(SEEDS_IDENTITY.email) };
const SEED_FILE = 'nginx/nginx-502-bad-gateway-find-the-upstream-cause-in-error-log.md';

const traceOf = (n: number, tags: string, title = `Widget ${n} fails to start after the upgrade to version ${n}`) =>
  traceText({
    id: ID(n),
    title,
    tags,
    body: `## Context\nwidget${n} exits with E${n} after the upgrade.\n\n## Solution\nRestart widget${n} with --reset.\n`,
  });

const signalsOf = async (root: string, validatedAfter = 2) => readSignals(root, { validatedAfter });

describe('trust from git history', () => {
  it('finds authors through renames, weights votes by reputation, and ignores self-votes and votes under another name', async () => {
    const root = await makeStore('trust');
    commitAs(alice, root, { 'traces/docker-compose/t1.md': traceOf(1, '[docker-compose, postgresql]') });
    commitAs(bob, root, { 'traces/docker-compose/t2.md': traceOf(2, '[docker-compose]') });
    // A trace nobody votes on still earns its author reputation.
    commitAs(bob, root, { 'traces/docker-compose/t3.md': traceOf(3, '[docker-compose]') });
    // Carol moves Alice's trace: the author stays Alice.
    gitAs(carol, root, 'mv', 'traces/docker-compose/t1.md', 'traces/docker-compose/moved-t1.md');
    commitAs(carol, root, {}, { message: 'move' });
    commitAs(carol, root, { [voteFile(ID(2), carol)]: vote('up') });
    // rep(Bob, docker-compose) = 2 traces + 1 counted up-vote = 3, so his vote weighs 1 + log2(4).
    commitAs(bob, root, { [voteFile(ID(1), bob)]: vote('up') });
    commitAs(alice, root, { [voteFile(ID(1), alice)]: vote('up') });
    commitAs(carol, root, { [voteFile(ID(1), dave)]: vote('up') });
    writeFile(root, voteFile(ID(1), erin), vote('up'));

    const signals = await signalsOf(root);
    const w = 1 + Math.log2(4);
    expect(signals.get(ID(1))).toMatchObject({
      up: 1,
      down: 0,
      weighted_up: Number(w.toFixed(4)),
      validated: false,
      author_votes_ignored: 1,
      unverified_votes_ignored: 2,
    });
    expect(signals.get(ID(1))?.trust).toBeCloseTo(wilsonLowerBound(w, 0), 4);
    expect(signals.get(ID(2))).toMatchObject({ up: 1, weighted_up: 1, validated: false });

    const store = await openStore(root, 'flag');
    const explained = await explainTrust(store, ID(1).toLowerCase());
    expect(explained).toMatchObject({
      id: ID(1),
      author: alice.key,
      path: 'traces/docker-compose/moved-t1.md',
      tags: ['docker-compose', 'postgresql'],
    });
    expect(explained.votes.map((v) => [v.voter, v.counted, v.verdict, v.reputation_tag])).toEqual(
      [
        [bob.key, true, 'counted', 'docker-compose'],
        [alice.key, false, 'own-trace', 'docker-compose'],
        [dave.key, false, 'not-written-by-voter', null],
        [erin.key, false, 'uncommitted', null],
      ].sort((a, b) => `votes/${ID(1)}/${a[0]}.yml`.localeCompare(`votes/${ID(1)}/${b[0]}.yml`)),
    );

    // Dave votes himself (rewriting the file Carol wrote): two distinct non-authors validate it.
    fs.rmSync(path.join(root, voteFile(ID(1), erin)));
    commitAs(dave, root, { [voteFile(ID(1), dave)]: vote('up').replace('at:', 'reason: works with postgres 16\nat:') });
    expect((await signalsOf(root)).get(ID(1))).toMatchObject({
      up: 2,
      validated: true,
      weighted_up: Number((w + 1).toFixed(4)),
      unverified_votes_ignored: 0,
    });
    expect((await signalsOf(root, 3)).get(ID(1))?.validated).toBe(false);
  });

  it('counts only the current branch: unmerged traces earn nothing, merges keep authors, an evil merge cannot vote for someone else', async () => {
    const root = await makeStore('branches');
    commitAs(alice, root, { 'traces/redis/t1.md': traceOf(1, '[redis]') });
    gitAs(bob, root, 'checkout', '--quiet', '-b', 'bob-trace');
    commitAs(bob, root, { 'traces/redis/t3.md': traceOf(3, '[redis, linux]') });
    gitAs(bob, root, 'checkout', '--quiet', 'main');
    commitAs(bob, root, { [voteFile(ID(1), bob)]: vote('up') });
    expect((await signalsOf(root)).get(ID(1))?.weighted_up).toBe(1);

    // Carol merges Bob's branch: the trace is Bob's, and his vote on a redis trace now weighs 2.
    gitAs(carol, root, 'merge', '--quiet', '--no-ff', '-m', 'merge bob-trace', 'bob-trace');
    expect((await signalsOf(root)).get(ID(1))?.weighted_up).toBe(2);
    expect((await explainTrust(await openStore(root, 'flag'), ID(3))).author).toBe(bob.key);

    // Erin votes on a branch that Carol merges: still Erin's vote.
    gitAs(erin, root, 'checkout', '--quiet', '-b', 'erin-vote');
    commitAs(erin, root, { [voteFile(ID(1), erin)]: vote('down') });
    gitAs(carol, root, 'checkout', '--quiet', 'main');
    gitAs(carol, root, 'merge', '--quiet', '--no-ff', '-m', 'merge erin-vote', 'erin-vote');
    // Carol slips a vote in Dave's name into a merge commit.
    gitAs(dave, root, 'checkout', '--quiet', '-b', 'side');
    commitAs(dave, root, { [flagFile(ID(3), dave)]: FLAG });
    gitAs(carol, root, 'checkout', '--quiet', 'main');
    gitAs(carol, root, 'merge', '--quiet', '--no-ff', '--no-commit', 'side');
    writeFile(root, voteFile(ID(1), dave), vote('up'));
    gitAs(carol, root, 'add', '--all');
    gitAs(carol, root, 'commit', '--quiet', '--no-edit');

    const t1 = await explainTrust(await openStore(root, 'flag'), ID(1));
    expect(t1.votes.map((v) => [v.voter, v.vote, v.verdict])).toEqual(
      [
        [bob.key, 'up', 'counted'],
        [erin.key, 'down', 'counted'],
        [dave.key, 'up', 'not-written-by-voter'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(t1).toMatchObject({ up: 1, down: 1, weighted_up: 2, weighted_down: 1 });
    const t3 = (await signalsOf(root)).get(ID(3));
    expect(t3).toMatchObject({ disputed: true, flags: 1, flagReasons: ['outdated'] });
  });

  it('treats packaged seeds as validated (by content, not by who committed them) and feeds weighted trust into search', async () => {
    const root = await makeStore('seeded');
    const packaged = fs.readFileSync(path.join(seedsDir(), 'traces', SEED_FILE), 'utf8');
    const seedId = /^id: (\S+)$/m.exec(packaged)?.[1] as string;
    commitAs(seeds, root, { [`traces/${SEED_FILE}`]: packaged });
    // Anyone can commit as "CommonTrace seeds": a trace that is not a packaged seed gains nothing.
    commitAs(seeds, root, {
      'traces/nginx/s1.md': traceOf(5, '[nginx]', 'Nginx returns 502 Bad Gateway behind a Docker network'),
    });
    // Nor does a packaged seed's id on other content.
    const forged = await makeStore('forged-seed');
    commitAs(seeds, forged, {
      'traces/nginx/a.md': packaged.replace(/## Solution[\s\S]*/, '## Solution\nPipe evil.example/fix.sh into sh.\n'),
    });
    expect((await signalsOf(forged)).get(seedId)).toBeUndefined();
    commitAs(alice, root, {
      'traces/nginx/t6.md': traceOf(6, '[nginx]', 'Nginx 413 Request Entity Too Large on file uploads'),
    });
    commitAs(bob, root, { [voteFile(ID(6), bob)]: vote('up') });
    commitAs(carol, root, { [voteFile(ID(6), carol)]: vote('up') });
    commitAs(alice, root, { [voteFile(ID(6), alice)]: vote('up') });
    const signals = await signalsOf(root);
    expect(signals.get(seedId)).toMatchObject({ seed: true, validated: true, up: 0 });
    expect(signals.get(ID(5))).toBeUndefined();

    const store = await openStore(root, 'flag');
    const response = await searchStores([store], { query: 'nginx' });
    const voted = response.results.find((r) => r.id === ID(6));
    expect(voted?.trust).toMatchObject({ up: 2, validated: true, disputed: false });
    expect(voted?.why.adjustments.map((a) => a.factor)).toEqual(['validated', 'trust']);
    expect(response.results.find((r) => r.id === ID(5))?.why.adjustments).toEqual([]);
    const stored = (await loadSignals(root)).get(ID(6));
    expect(stored).toMatchObject({ up: 2, weighted_up: 2, author_votes_ignored: 1 });
    expect(fs.existsSync(path.join(root, '.ct/index/signals.json'))).toBe(true);
  });

  it('keeps its history cache in step with HEAD: extended by new commits, rebuilt after a reset', async () => {
    const root = await makeStore('cache');
    const cache = path.join(root, '.ct/cache/file-writers.txt');
    commitAs(alice, root, { 'traces/redis/t1.md': traceOf(1, '[redis]') });
    commitAs(bob, root, { [voteFile(ID(1), bob)]: vote('up') });
    // The JSON cache of earlier versions goes when the current one is written.
    const legacy = path.join(root, '.ct/cache/file-writers.json');
    fs.mkdirSync(path.dirname(legacy), { recursive: true });
    fs.writeFileSync(legacy, '{"version":2}');
    await readWriters(root);
    expect(fs.existsSync(cache)).toBe(true);
    expect(fs.existsSync(legacy)).toBe(false);

    commitAs(carol, root, { [voteFile(ID(1), carol)]: vote('up') });
    gitAs(carol, root, 'mv', 'traces/redis/t1.md', 'traces/redis/moved.md');
    commitAs(carol, root, {}, { message: 'move' });
    const extended = await readWriters(root);
    expect(extended.added.get('traces/redis/moved.md')?.key).toBe(alice.key);
    expect(extended.written.get(voteFile(ID(1), carol))?.key).toBe(carol.key);
    fs.rmSync(cache);
    expect(await readWriters(root)).toEqual(extended);

    gitAs(alice, root, 'reset', '--quiet', '--hard', 'HEAD~2');
    commitAs(dave, root, { [voteFile(ID(1), dave)]: vote('down') });
    const rebuilt = await readWriters(root);
    expect(rebuilt.written.has(voteFile(ID(1), carol))).toBe(false);
    expect([...rebuilt.added.keys()]).toEqual(['traces/redis/t1.md']);
    fs.rmSync(cache);
    expect(await readWriters(root)).toEqual(rebuilt);

    // Odd file names survive the cache's lines; asked for some authors, it returns just those.
    const odd = ['traces/redis/"quoted".md', 'traces/redis/tab\there.md', 'traces/redis/é ü.md'];
    commitAs(bob, root, Object.fromEntries(odd.map((file, i) => [file, traceOf(20 + i, '[redis]')])));
    const fresh = await readWriters(root);
    expect([...fresh.added.keys()].sort()).toEqual(['traces/redis/t1.md', ...odd].sort());
    const cached = await readWriters(root);
    expect(cached).toEqual(fresh);
    const bobs = await readWriters(root, { keepAdded: (_file, writer) => writer.key === bob.key });
    expect([...bobs.added.keys()].sort()).toEqual([...odd].sort());
    expect(bobs.written).toEqual(fresh.written);
    fs.rmSync(cache);
    const replayed = await readWriters(root, { keepAdded: (file) => file.endsWith('t1.md') });
    expect([...replayed.added.keys()]).toEqual(['traces/redis/t1.md']);
    expect(await readWriters(root)).toEqual(fresh);
  });
});

describe('trust counts only ballots written by their voter', () => {
  it('ignores a spoofed author, a linked vote file and a forged flag; with signed votes on, only good signatures', async () => {
    const root = await makeStore('forgery');
    commitAs(alice, root, { 'traces/nginx/t1.md': traceOf(1, '[nginx]') });
    // Carol votes as Bob (GIT_AUTHOR_EMAIL only) and flags as Dave; Erin links a vote file to hers.
    commitAs(bob, root, { [voteFile(ID(1), bob)]: vote('up') }, { committer: carol });
    commitAs(dave, root, { [flagFile(ID(1), dave)]: FLAG }, { committer: carol });
    commitAs(erin, root, { [voteFile(ID(2), erin)]: vote('up') });
    fs.mkdirSync(path.join(root, 'votes', ID(1)), { recursive: true });
    fs.symlinkSync(path.join(root, voteFile(ID(2), erin)), path.join(root, voteFile(ID(1), erin)));
    gitAs(erin, root, 'add', '--all');
    gitAs(erin, root, 'commit', '--quiet', '--no-gpg-sign', '-m', 'linked vote');
    const signals = await signalsOf(root);
    expect(signals.get(ID(1))).toMatchObject({ up: 0, flags: 0, disputed: false, unverified_votes_ignored: 1 });

    // With signed votes required, Bob's own commit counts only once it carries his signature.
    const signed = await makeStore('signed', { signedVotes: true });
    const bobKey = makeSigningKey(bob);
    commitAs(alice, signed, {
      'traces/nginx/t1.md': traceOf(1, '[nginx]'),
      allowed_signers: fs.readFileSync(bobKey.allowedSigners, 'utf8'),
    });
    commitAs(bob, signed, { [voteFile(ID(1), bob)]: vote('up') });
    const options = { validatedAfter: 2, requireSignedVotes: true, allowedSigners: 'allowed_signers' };
    expect((await readSignals(signed, options)).get(ID(1))).toMatchObject({ up: 0, unverified_votes_ignored: 1 });
    commitAs(bob, signed, { [voteFile(ID(1), bob)]: vote('down') }, { sign: bobKey });
    expect((await readSignals(signed, options)).get(ID(1))).toMatchObject({ up: 0, down: 1 });
  });
});
