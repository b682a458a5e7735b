import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { makeStore } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Report {
  checks: { id: string; status: string; message: string }[];
}
const dataDirChecks = (report: Report) => report.checks.filter((c) => c.id.startsWith('data-dir'));

describe('the data dir', () => {
  it("CT_DATA_DIR moves ct's data (the registry) and oclif's together", async () => {
    const dir = path.join(tempDir('ct-data-'), 'data');
    const env = { CT_DATA_DIR: dir, CT_HOME: '' };
    const root = await makeStore('mine');
    const added = await runCli(['store', 'add', 'mine', root], { env, cwd: tempDir() });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'stores.json'), 'utf8')).stores[0].path).toBe(root);
    const doctor = parseJson<Report>(await runCli(['doctor', '--json'], { env, cwd: tempDir() }));
    expect(dataDirChecks(doctor)).toEqual([
      { id: 'data-dir', status: 'ok', message: `data dir ${dir} (from CT_DATA_DIR) is writable` },
    ]);
  });

  it('CT_HOME still works, as an alias that oclif follows too', async () => {
    const dir = path.join(tempDir('ct-home-'), 'ct');
    const doctor = parseJson<Report>(await runCli(['doctor', '--json'], { env: { CT_HOME: dir }, cwd: tempDir() }));
    expect(dataDirChecks(doctor)).toEqual([
      { id: 'data-dir', status: 'ok', message: `data dir ${dir} (from CT_HOME) is writable` },
    ]);
  });

  it('doctor warns when CT_HOME and CT_DATA_DIR disagree', async () => {
    const env = { CT_DATA_DIR: path.join(tempDir(), 'a'), CT_HOME: path.join(tempDir(), 'b') };
    const doctor = parseJson<Report>(await runCli(['doctor', '--json'], { env, cwd: tempDir() }));
    expect(dataDirChecks(doctor).map((c) => [c.id, c.status])).toEqual([
      ['data-dir', 'ok'],
      ['data-dir.alias', 'warn'],
    ]);
  });
});
