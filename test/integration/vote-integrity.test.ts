import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_RULES, RULES } from '../../src/check/rules.js';
import { checkStore } from '../../src/check/run.js';
import { makeStore, writeFile } from '../helpers/git.js';
import {
  commitAs,
  FLAG,
  flagFile,
  gitAs,
  makeSigningKey,
  person,
  type SigningKey,
  vote,
  voteFile,
} from '../helpers/people.js';
import { fakeString } from '../helpers/secret-formats.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

const [alice, bob, carol, dave, maintainer] = ['Alice', 'Bob', 'Carol', 'Dave', 'Maintainer'].map(person) as [
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
];
const OTHER_ID = '01JDQ5Z8X4N2K7M3P9R6T1V0WC';
const TRACE = 'traces/docker-compose/healthcheck.md';
const OTHER = 'traces/docker-compose/redis.md';
const GITLAB = [
  'gl',
  'pat-',
  fakeString('history', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 20),
].join('');
const newTrace = (n: number) => ({
  [`traces/python/t${n}.md`]: traceText({
    id: `01KD${String(n).padStart(21, '0')}A`,
    title: `Python packaging question number ${n} about wheels`,
    tags: '[python]',
  }),
});

let template: string;
let bobKey: SigningKey;
let carolKey: SigningKey;
beforeAll(async () => {
  template = await makeStore('integrity');
  commitAs(alice, template, {
    [TRACE]: traceText(),
    [OTHER]: traceText({ id: OTHER_ID, title: 'Compose app container exits when Redis is not ready yet' }),
  });
  bobKey = makeSigningKey(bob);
  carolKey = makeSigningKey(carol);
});

/**
 * A copy of the template store on main, with optional ct.yml edits and keys in the store's
 * allowed_signers file committed by the maintainer, then on branch "pr".
 */
function freshStore(config?: (text: string) => string, signers: SigningKey[] = []): string {
  const root = path.join(tempDir('ct-integrity-'), 'store');
  fs.cpSync(template, root, { recursive: true });
  const files: Record<string, string> = {};
  if (config) files['ct.yml'] = config(fs.readFileSync(path.join(root, 'ct.yml'), 'utf8'));
  if (signers.length > 0)
    files.allowed_signers = signers.map((k) => fs.readFileSync(k.allowedSigners, 'utf8')).join('');
  if (Object.keys(files).length > 0) commitAs(maintainer, root, files, { message: 'policy' });
  gitAs(maintainer, root, 'checkout', '--quiet', '-b', 'pr');
  return root;
}

const signedVotes = (text: string) => text.replace('require_signed_votes: false', 'require_signed_votes: true');

/**
 * The rules that need a history (`ct check --base`): a pull request that breaks each, and one
 * that passes. test/integration/check-rules.test.ts holds the cases of every other rule.
 */
const CASES: Record<
  (typeof BASE_RULES)[number],
  {
    config?: (text: string) => string;
    signers?: () => SigningKey[];
    bad: (root: string) => void;
    good: (root: string) => void;
  }
> = {
  'votes/wrong-voter': {
    bad: (r) => commitAs(carol, r, { [voteFile(VALID_ID, bob)]: vote('up') }),
    good: (r) => (
      commitAs(bob, r, { [voteFile(VALID_ID, bob)]: vote('up') }),
      commitAs(carol, r, { [flagFile(OTHER_ID, carol)]: FLAG })
    ),
  },
  'votes/unsigned': {
    config: signedVotes,
    signers: () => [bobKey],
    bad: (r) => commitAs(bob, r, { [voteFile(VALID_ID, bob)]: vote('up') }),
    good: (r) => commitAs(bob, r, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: bobKey }),
  },
  'store/too-many-traces': {
    config: (t) => t.replace('max_traces_per_pr: 10', 'max_traces_per_pr: 2'),
    bad: (r) => commitAs(dave, r, { ...newTrace(1), ...newTrace(2), ...newTrace(3) }),
    // A move is not a new trace, and one added then removed again is not either.
    good: (r) => {
      commitAs(dave, r, { ...newTrace(1), ...newTrace(2), ...newTrace(3) });
      commitAs(dave, r, { 'traces/python/t3.md': null });
      gitAs(dave, r, 'mv', OTHER, 'traces/docker-compose/redis-not-ready.md');
      commitAs(dave, r, {}, { message: 'move' });
    },
  },
  'secrets/in-history': {
    // Added in one commit, removed in the next, named in a message: the files are clean, the history is not.
    bad: (r) => {
      commitAs(dave, r, {
        [OTHER]: `${fs.readFileSync(path.join(r, OTHER), 'utf8')}\nexport GITLAB_TOKEN=${GITLAB}\n`,
      });
      commitAs(
        dave,
        r,
        { [OTHER]: fs.readFileSync(path.join(template, OTHER), 'utf8') },
        { message: `drop ${GITLAB}` },
      );
    },
    good: (r) => commitAs(dave, r, { ...newTrace(1) }, { message: 'read GITLAB_TOKEN from the environment' }),
  },
};

describe('ct check --base: vote and flag integrity', () => {
  it('has a passing and a failing case for every rule that needs --base', () => {
    expect(Object.keys(CASES).sort()).toEqual([...BASE_RULES].sort());
  });

  for (const [rule, { config, signers, bad, good }] of Object.entries(CASES)) {
    it(`${rule}: flags the failing pull request and passes the fixed one`, async () => {
      const failing = freshStore(config, signers?.());
      bad(failing);
      const report = await checkStore(failing, { base: 'main' });
      const hits = report.problems.filter((p) => p.rule === rule);
      expect(hits.length, JSON.stringify(report.problems, null, 1)).toBeGreaterThan(0);
      expect(hits[0]?.severity).toBe(RULES[rule as keyof typeof RULES].severity);
      expect(hits[0]?.message.length).toBeGreaterThan(5);
      expect(hits[0]?.hint?.length ?? 0).toBeGreaterThan(5);
      expect(report).toMatchObject({ ok: false, base: 'main', skipped_rules: [] });

      const passing = freshStore(config, signers?.());
      good(passing);
      const clean = await checkStore(passing, { base: 'main' });
      expect(clean.problems, JSON.stringify(clean.problems, null, 1)).toEqual([]);
      expect(clean.ok).toBe(true);
      expect(clean.commits).toBeGreaterThan(0);
    });
  }

  it('skips these rules without --base and says so in the report', async () => {
    const root = freshStore();
    CASES['votes/wrong-voter'].bad(root);
    const report = await checkStore(root);
    expect(report).toMatchObject({ ok: true, problems: [], base: null, commits: null, skipped_rules: [...BASE_RULES] });
    await expect(checkStore(root, { base: 'no-such-branch' })).rejects.toThrow(/--base no-such-branch is not a commit/);
  });

  it("names the commit and voter, covers flags, deletions and merge commits, and allows removing a removed trace's ballots", async () => {
    const root = freshStore();
    gitAs(maintainer, root, 'checkout', '--quiet', 'main');
    commitAs(bob, root, { [voteFile(VALID_ID, bob)]: vote('up') });
    commitAs(bob, root, { [voteFile(OTHER_ID, bob)]: vote('down') });
    gitAs(maintainer, root, 'checkout', '--quiet', '-B', 'pr');
    // Cleanup after removing a trace: allowed, whoever does it.
    commitAs(carol, root, { [OTHER]: null, [voteFile(OTHER_ID, bob)]: null });
    // Removing the vote of a trace that stays: not allowed.
    const deleting = commitAs(carol, root, { [voteFile(VALID_ID, bob)]: null });
    commitAs(carol, root, { [flagFile(VALID_ID, dave)]: FLAG });
    // A vote slipped into a merge commit.
    gitAs(dave, root, 'checkout', '--quiet', '-b', 'side');
    commitAs(dave, root, { [flagFile(VALID_ID, dave)]: FLAG.replace('outdated', 'wrong') });
    gitAs(carol, root, 'checkout', '--quiet', 'pr');
    gitAs(carol, root, 'merge', '--quiet', '--no-ff', '--no-commit', '-X', 'theirs', 'side');
    writeFile(root, voteFile(VALID_ID, alice), vote('up'));
    gitAs(carol, root, 'add', '--all');
    gitAs(carol, root, 'commit', '--quiet', '--no-edit');

    const report = await checkStore(root, { base: 'main' });
    expect(report.problems.map((p) => `${p.rule} ${p.file}`)).toEqual(
      [
        `votes/wrong-voter ${flagFile(VALID_ID, dave)}`,
        `votes/wrong-voter ${voteFile(VALID_ID, alice)}`,
        `votes/wrong-voter ${voteFile(VALID_ID, bob)}`,
      ].sort(),
    );
    const deleted = report.problems.find((p) => p.file === voteFile(VALID_ID, bob));
    expect(deleted?.message).toContain(
      `commit ${deleting.slice(0, 10)} deletes the vote of voter ${bob.key}, but its author's voter key is ${carol.key}`,
    );
    expect(report.commits).toBe(5);
  });

  it('requires a signature the store knows when policy.require_signed_votes is on', async () => {
    const root = freshStore(signedVotes, [bobKey]);
    commitAs(bob, root, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: bobKey });
    // Signed, but with a key the allowed-signers file does not list for Carol.
    commitAs(carol, root, { [voteFile(OTHER_ID, carol)]: vote('up') }, { sign: carolKey });
    // A trace without ballots needs no signature.
    commitAs(dave, root, newTrace(1));
    const report = await checkStore(root, { base: 'main' });
    expect(report.problems.map((p) => `${p.rule} ${p.file}`)).toEqual([`votes/unsigned ${voteFile(OTHER_ID, carol)}`]);
    expect(report.problems[0]?.message).toMatch(/without a good signature by its voter/);
  });

  it("refuses a vote committed in someone else's name: a spoofed author, and a spoofed author and committer unsigned", async () => {
    // Carol sets GIT_AUTHOR_EMAIL to Bob's address: the committer gives her away.
    const unsigned = freshStore();
    commitAs(bob, unsigned, { [voteFile(VALID_ID, bob)]: vote('up') }, { committer: carol });
    const report = await checkStore(unsigned, { base: 'main' });
    expect(report.problems.map((p) => `${p.rule} ${p.file}`)).toEqual([`votes/wrong-voter ${voteFile(VALID_ID, bob)}`]);
    expect(report.problems[0]?.message).toMatch(/committed by someone else/);

    // Carol sets both: only a signature can tell, and hers is not Bob's.
    const signed = freshStore(signedVotes, [bobKey, carolKey]);
    commitAs(bob, signed, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: carolKey });
    const forged = await checkStore(signed, { base: 'main' });
    expect(forged.problems.map((p) => `${p.rule} ${p.file}`)).toEqual([`votes/unsigned ${voteFile(VALID_ID, bob)}`]);
  });

  it('checks signatures against the base: a pull request cannot add the key it signs with', async () => {
    const root = freshStore(signedVotes);
    // The pull request lists Carol's key for Bob's address, then signs "Bob's" vote with it.
    const line = fs.readFileSync(carolKey.allowedSigners, 'utf8').replace(carol.email, bob.email);
    commitAs(carol, root, { allowed_signers: line });
    commitAs(bob, root, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: carolKey });
    const report = await checkStore(root, { base: 'main' });
    expect(report.problems.map((p) => `${p.rule} ${p.file}`)).toContain(`votes/unsigned ${voteFile(VALID_ID, bob)}`);
  });
});
