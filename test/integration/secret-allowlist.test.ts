import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStore } from '../../src/check/run.js';
import { parseStoreConfig } from '../../src/store/config.js';
import { makeStore, writeFile } from '../helpers/git.js';
import { fakeString } from '../helpers/secret-formats.js';
import { traceText, VALID_BODY } from '../helpers/trace.js';

const TRACE = 'traces/docker-compose/healthcheck.md';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// A store's own shared test credentials (fake, generated): one allowed literally, one by a regex.
const teamKey = ['gl', 'pat-', fakeString('team', ALNUM, 20)].join('');
const sandboxPassword = fakeString('sandbox', ALNUM, 18);
const otherKey = ['gl', 'pat-', fakeString('other', ALNUM, 20)].join('');

function setAllow(root: string, entries: string[]): void {
  const file = path.join(root, 'ct.yml');
  const text = fs.readFileSync(file, 'utf8');
  const list = entries.map((e) => `      - ${JSON.stringify(e)}`).join('\n');
  fs.writeFileSync(file, text.replace('    allow: []', `    allow:\n${list}`));
}

const body = (lines: string) => `${VALID_BODY}\n## Notes\n\`\`\`sh\n${lines}\n\`\`\`\n`;

describe('policy.secrets.allow in ct.yml', () => {
  it('lets the listed literals and regexes through, and nothing else', async () => {
    const root = await makeStore();
    writeFile(
      root,
      TRACE,
      traceText({
        body: body(
          [
            `export GITLAB_TOKEN=${teamKey}`,
            `SANDBOX_DB_PASSWORD="${sandboxPassword}"`,
            `export OTHER_TOKEN=${otherKey}`,
          ].join('\n'),
        ),
      }),
    );
    const before = await checkStore(root);
    expect(before.problems.filter((p) => p.rule === 'secrets/detected').map((p) => p.line)).toHaveLength(3);

    setAllow(root, [teamKey, '/^SANDBOX_DB_PASSWORD=/']);
    const after = await checkStore(root);
    const secrets = after.problems.filter((p) => p.rule === 'secrets/detected');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ file: TRACE, field: 'notes' });
    expect(secrets[0]?.message).toContain(`${otherKey.slice(0, 6)}…(${otherKey.length} chars)`);
    // ct.yml itself holds the allowed literal: it is allowed there too.
    expect(after.problems.filter((p) => p.file === 'ct.yml')).toEqual([]);
  });

  it('refuses entries that would not work, naming the entry, its line and what to write', async () => {
    const root = await makeStore();
    setAllow(root, ['/sk_live_[/', '/.*/', 'abc', '/x/g', 'a-long-enough-literal']);
    const text = fs.readFileSync(path.join(root, 'ct.yml'), 'utf8');
    const { config, issues } = parseStoreConfig(text);
    expect(config).toBeUndefined();
    const lineOf = (entry: string) => text.split('\n').findIndex((l) => l.includes(JSON.stringify(entry))) + 1;
    expect(issues).toEqual([
      {
        field: 'policy.secrets.allow.0',
        line: lineOf('/sk_live_[/'),
        message: expect.stringMatching(/^"\/sk_live_\[\/": invalid regular expression: .*write the exact value/),
      },
      {
        field: 'policy.secrets.allow.1',
        line: lineOf('/.*/'),
        message: expect.stringContaining('matches the empty string, so it would allow every secret'),
      },
      {
        field: 'policy.secrets.allow.2',
        line: lineOf('abc'),
        message: expect.stringContaining('at least 4 characters'),
      },
      {
        field: 'policy.secrets.allow.3',
        line: lineOf('/x/g'),
        message: expect.stringContaining('unsupported regex flags "g"'),
      },
    ]);
    const report = await checkStore(root);
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.rule === 'config/invalid').map((p) => p.field)).toEqual([
      'policy.secrets.allow.0',
      'policy.secrets.allow.1',
      'policy.secrets.allow.2',
      'policy.secrets.allow.3',
    ]);
  });
});
