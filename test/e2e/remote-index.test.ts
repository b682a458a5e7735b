import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { cloneOf, commitAll, git, makeBareRemote, makeStore, writeFile } from '../helpers/git.js';
import { S3_CREDENTIALS, startS3Server } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

/**
 * LanceDB on object storage: a real S3-compatible server (s3rver from npm) on 127.0.0.1, the
 * store's index exported to it with `ct index --export s3://...`, and thin clients (the CLI and
 * the MCP server) whose ct.yml says `index: { remote: s3://... }` querying it in place.
 */

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const idOf = (i: number) => `01JDQ5Z8X4N2K7M3P9R6T2V${String(i).padStart(3, '0')}`;
const TOPICS = ['postgresql', 'docker', 'nginx', 'redis'];
const TRACES = 12;

let s3: Awaited<ReturnType<typeof startS3Server>>;
let bare: string;
let ci: string;
const env = () => ({ ...S3_CREDENTIALS, CT_HOME: tempDir('ct-home-') });

/** Files under .ct/index of a checkout that belong to a LanceDB table (none for a thin client). */
const localTables = (root: string) =>
  fs.existsSync(path.join(root, '.ct', 'index'))
    ? fs.readdirSync(path.join(root, '.ct', 'index')).filter((f) => f.endsWith('.lance'))
    : [];

beforeAll(async () => {
  s3 = await startS3Server('ct');
  const root = await makeStore('objects');
  const config = fs.readFileSync(path.join(root, 'ct.yml'), 'utf8');
  const options = Object.entries(s3.storageOptions)
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join('\n');
  fs.writeFileSync(
    path.join(root, 'ct.yml'),
    `${config}\nindex:\n  remote: s3://ct/objects\n  storage_options:\n${options}\n`,
  );
  for (let i = 0; i < TRACES; i++) {
    const topic = TOPICS[i % TOPICS.length] as string;
    writeFile(
      root,
      `traces/${topic}/t${i}.md`,
      traceText({
        id: idOf(i),
        title: `Fix ${topic} failure number ${i} after an upgrade`,
        tags: `[${topic}]`,
        body: `## Context\n${topic} stops with error E${i}.\n\n## Solution\nRun ${topic}-repair --step ${i}.\n`,
      }),
    );
  }
  commitAll(root, 'traces on object storage');
  bare = makeBareRemote(root);
  git(root, 'push', '--quiet', 'origin', 'main');
  ci = cloneOf(bare, 'ci');
  const exported = await runCli(['index', '--export', 's3://ct/objects', '--json'], { cwd: ci, env: env() });
  expect(exported.code, exported.stderr).toBe(0);
  expect(parseJson<{ export: { rows: number } }>(exported).export.rows).toBe(TRACES);
}, 120_000);

afterAll(async () => {
  await s3?.close();
});

describe('an index on object storage', () => {
  it('is queried in place by a thin client: results, no local table, ct status names it', async () => {
    const clone = cloneOf(bare, 'thin');
    const result = await runCli(['search', 'redis failure after an upgrade', '--json'], { cwd: clone, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<{
      stores: { name: string; index_source?: string; traces: number }[];
      results: { id: string }[];
    }>(result);
    const store = json.stores.find((s) => s.name === 'objects');
    expect(store).toMatchObject({ index_source: 'remote', traces: TRACES });
    expect(json.results[0]?.id).toBe(idOf(3));
    expect(localTables(clone)).toEqual([]);
    const status = await runCli(['status'], { cwd: clone, env: env() });
    expect(status.stdout).toMatch(/queried in place at s3:\/\/ct\/objects/);
  });

  it('serves the MCP server in place, and a new export is seen without a download', async () => {
    const clone = cloneOf(bare, 'mcp');
    const client = new Client({ name: 'ct-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp', '--store', clone],
        env: { ...(process.env as Record<string, string>), ...env() },
        stderr: 'pipe',
      }),
    );
    try {
      const search = await client.callTool({ name: 'search_traces', arguments: { query: 'nginx error E2', limit: 3 } });
      expect(search.isError, JSON.stringify(search.content)).toBeFalsy();
      expect((search.structuredContent as { results: { id: string }[] }).results[0]?.id).toBe(idOf(2));
    } finally {
      await client.close();
    }
    expect(localTables(clone)).toEqual([]);

    writeFile(
      ci,
      'traces/docker/new.md',
      traceText({ id: idOf(99), title: 'Docker build cache grows without bound', tags: '[docker]' }),
    );
    commitAll(ci, 'one more');
    const exported = await runCli(['index', '--export', 's3://ct/objects', '--json'], { cwd: ci, env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    const again = await runCli(['search', 'docker build cache grows', '--json'], { cwd: clone, env: env() });
    expect(again.code, again.stderr).toBe(0);
    const json = parseJson<{ stores: { name: string; traces: number }[]; results: { id: string }[] }>(again);
    expect(json.stores.find((s) => s.name === 'objects')?.traces).toBe(TRACES + 1);
    expect(json.results[0]?.id).toBe(idOf(99));
  });

  it('gives the SessionStart hook its context from the remote index, with no local table', async () => {
    const clone = cloneOf(bare, 'hook');
    const project = tempDir('ct-remote-project-');
    writeFile(project, 'package.json', JSON.stringify({ name: 'api', dependencies: { redis: '^4.6.0' } }, null, 2));
    const result = await runCli(['hook', 'session-start'], {
      cwd: project,
      env: { ...env(), CT_STORE: clone, CT_HOOK_TIMEOUT_MS: '20000' },
      input: JSON.stringify({
        session_id: 'remote',
        transcript_path: path.join(project, 'remote.jsonl'),
        cwd: project,
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    });
    expect(result.code, result.stderr).toBe(0);
    const context = (JSON.parse(result.stdout) as { hookSpecificOutput: { additionalContext: string } })
      .hookSpecificOutput.additionalContext;
    const ids = [...context.matchAll(/<trace id="([0-9A-Z]{26})"/g)].map((m) => m[1]);
    // The redis traces (every fourth) come first; nothing was built locally.
    expect(ids[0]).toMatch(/^01JDQ5Z8X4N2K7M3P9R6T2V0(03|07|11)$/);
    expect(localTables(clone)).toEqual([]);
  });

  it('refuses an index embedded with another model, saying which', async () => {
    const clone = cloneOf(bare, 'other-model');
    const result = await runCli(['search', 'redis', '--json', '--store', clone], {
      cwd: clone,
      env: { ...env(), CT_EMBEDDING_MODEL: 'use-lite-static-v1' },
    });
    expect(result.code).toBe(7);
    expect(result.stdout + result.stderr).toMatch(/embedded with ct-static-v3.*this store uses use-lite-static-v1/);
  });
});
