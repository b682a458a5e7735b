import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_RULES, RULES } from '../../src/check/rules.js';
import { checkStore } from '../../src/check/run.js';
import { makeStore, tempDir, writeFile } from '../helpers/git.js';
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

/** A copy of the template store on main, with optional ct.yml edits committed, then on branch "pr". */
function freshStore(config?: (text: string) => string): string {
  const root = path.join(tempDir('ct-integrity-'), 'store');
  fs.cpSync(template, root, { recursive: true });
  if (config)
    commitAs(
      maintainer,
      root,
      { 'ct.yml': config(fs.readFileSync(path.join(root, 'ct.yml'), 'utf8')) },
      { message: 'policy' },
    );
  gitAs(maintainer, root, 'checkout', '--quiet', '-b', 'pr');
  return root;
}

const signedVotes = (text: string) => text.replace('require_signed_votes: false', 'require_signed_votes: true');
const trustKeys = (root: string, key: SigningKey) =>
  gitAs(maintainer, root, 'config', 'gpg.ssh.allowedSignersFile', key.allowedSigners);

/**
 * The rules that need a history (`ct check --base`): a pull request that breaks each, and one
 * that passes. test/integration/check-rules.test.ts holds the cases of every other rule.
 */
const CASES: Record<
  (typeof BASE_RULES)[number],
  { config?: (text: string) => string; bad: (root: string) => void; good: (root: string) => void }
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
    bad: (r) => (trustKeys(r, bobKey), commitAs(bob, r, { [voteFile(VALID_ID, bob)]: vote('up') })),
    good: (r) => (trustKeys(r, bobKey), commitAs(bob, r, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: bobKey })),
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

  for (const [rule, { config, bad, good }] of Object.entries(CASES)) {
    it(`${rule}: flags the failing pull request and passes the fixed one`, async () => {
      const failing = freshStore(config);
      bad(failing);
      const report = await checkStore(failing, { base: 'main' });
      const hits = report.problems.filter((p) => p.rule === rule);
      expect(hits.length, JSON.stringify(report.problems, null, 1)).toBeGreaterThan(0);
      expect(hits[0]?.severity).toBe(RULES[rule as keyof typeof RULES].severity);
      expect(hits[0]?.message.length).toBeGreaterThan(5);
      expect(hits[0]?.hint?.length ?? 0).toBeGreaterThan(5);
      expect(report).toMatchObject({ ok: false, base: 'main', skipped_rules: [] });

      const passing = freshStore(config);
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
    const root = freshStore(signedVotes);
    trustKeys(root, bobKey);
    commitAs(bob, root, { [voteFile(VALID_ID, bob)]: vote('up') }, { sign: bobKey });
    // Signed, but with a key the allowed-signers file does not list for Carol.
    commitAs(carol, root, { [voteFile(OTHER_ID, carol)]: vote('up') }, { sign: carolKey });
    // A trace without ballots needs no signature.
    commitAs(dave, root, newTrace(1));
    const report = await checkStore(root, { base: 'main' });
    expect(report.problems.map((p) => `${p.rule} ${p.file}`)).toEqual([`votes/unsigned ${voteFile(OTHER_ID, carol)}`]);
    expect(report.problems[0]?.message).toMatch(/does not pass git verify-commit/);
  });
});
