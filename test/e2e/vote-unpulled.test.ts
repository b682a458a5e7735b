import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { commitAll, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText, VALID_ID } from '../helpers/trace.js';

describe('voting on a trace merged upstream but not pulled yet', () => {
  it('finds the trace on the remote base branch and votes on it', async () => {
    const root = await makeStore('upstream');
    const bare = makeBareRemote(root);
    const other = path.join(tempDir(), 'other');
    git(path.dirname(other), 'clone', '--quiet', bare, other);
    writeFile(other, 'traces/docker-compose/a.md', traceText());
    commitAll(other, 'add a trace upstream');
    git(other, 'push', '--quiet', 'origin', 'main');

    const env = { CT_HOME: path.join(tempDir('ct-home-'), 'ct') };
    const result = await runCli(['vote', VALID_ID.slice(0, 10), 'up', '--json'], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const vote = parseJson<{ id: string; path: string; branch: string; publish: { status: string } }>(result);
    expect(vote.id).toBe(VALID_ID);
    expect(vote.publish.status).toBe('pushed');
    expect(git(bare, 'show', `${vote.branch}:${vote.path}`)).toMatch(/^vote: up$/m);
  });
});
