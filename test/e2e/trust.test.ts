import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { makeStore } from '../helpers/git.js';
import { commitAs, gitAs, person, vote, voteFile } from '../helpers/people.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

const env = () => ({ CT_HOME: path.join(tempDir('ct-home-'), 'ct') });
const [alice, bob, carol] = ['Alice', 'Bob', 'Carol'].map(person) as [
  ReturnType<typeof person>,
  ReturnType<typeof person>,
  ReturnType<typeof person>,
];

describe('ct trust and ct check --base (built CLI)', () => {
  it('prints the formulas with ct trust and ct help trust', async () => {
    const formulas = await runCli(['trust']);
    expect(formulas.code, formulas.stderr).toBe(0);
    for (const term of [
      'weight(v)',
      '1 + log2(1 + max over the tags',
      'rep(p, tag)',
      'Wilson score lower bound',
      'validated(T)',
      'disputed(T)',
    ])
      expect(formulas.stdout).toContain(term);
    const help = await runCli(['help', 'trust']);
    expect(help.stdout).toMatch(/weight\(v\): 1 \+ log2\(1 \+ max over/);
  });

  it('shows the computation for one trace, and check --base rejects a vote in another name', async () => {
    const root = await makeStore('cli-trust');
    commitAs(alice, root, { 'traces/docker-compose/healthcheck.md': traceText() });
    gitAs(alice, root, 'checkout', '--quiet', '-b', 'pr');
    commitAs(bob, root, { [voteFile(VALID_ID, bob)]: vote('up') });
    commitAs(alice, root, { [voteFile(VALID_ID, alice)]: vote('up') });

    const explained = parseJson<{
      id: string;
      author: string;
      up: number;
      weighted_up: number;
      trust: number;
      validated: boolean;
      votes: { voter: string; counted: boolean; verdict: string; weight: number }[];
    }>(await runCli(['trust', VALID_ID.slice(0, 8), '--json'], { cwd: root, env: env() }));
    expect(explained).toMatchObject({ id: VALID_ID, author: alice.key, up: 1, weighted_up: 1, validated: false });
    expect(explained.trust).toBeCloseTo(0.2065, 3);
    expect(explained.votes.find((v) => v.voter === alice.key)).toMatchObject({
      counted: false,
      verdict: 'own-trace',
      weight: 0,
    });
    const human = await runCli(['trust', VALID_ID], { cwd: root, env: env() });
    expect(human.stdout).toContain("no: the trace's author voted on their own trace");
    expect(human.stdout).toMatch(/validated\s+no/);

    const clean = await runCli(['check', '--base', 'main'], { cwd: root, env: env() });
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stderr).toMatch(/0 error\(s\), 0 warning\(s\), 2 commit\(s\) since main checked/);
    commitAs(carol, root, { [voteFile(VALID_ID, person('Dave'))]: vote('up') });
    const failing = await runCli(['check', '--base', 'main'], { cwd: root, env: env() });
    expect(failing.code).toBe(ExitCode.checkFailed);
    expect(failing.stdout).toContain('votes/wrong-voter');
    const skipped = await runCli(['check'], { cwd: root, env: env() });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/commit rules skipped \(no --base\)/);
    expect(skipped.stderr).toContain(
      'votes/wrong-voter, votes/unsigned, store/too-many-traces, secrets/in-history need --base',
    );
  });
});
