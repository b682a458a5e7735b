import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { initStore } from '../../src/store/init.js';
import type { CorpusDoc } from './eval-data.js';
import { type GeneratedTrace, generateTldrTraces } from './tldr-traces.js';

/** Commits in bench stores are made as this identity, whatever the user's git config says. */
export const BENCH_IDENTITY = { name: 'ct bench', email: 'bench@commontrace.invalid' };

const GIT_ENV = {
  GIT_AUTHOR_NAME: BENCH_IDENTITY.name,
  GIT_AUTHOR_EMAIL: BENCH_IDENTITY.email,
  GIT_COMMITTER_NAME: BENCH_IDENTITY.name,
  GIT_COMMITTER_EMAIL: BENCH_IDENTITY.email,
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface TldrStore {
  root: string;
  traces: GeneratedTrace[];
  write_ms: number;
  commit_ms: number;
}

/**
 * A real store (store-template, git, one commit of `count` trace files made from tldr pages) in
 * `<parent>/<name>`, as `ct init` plus a big import would leave it.
 */
export async function buildTldrStore(
  parent: string,
  name: string,
  pages: readonly CorpusDoc[],
  count: number,
): Promise<TldrStore> {
  const root = path.join(parent, name);
  await initStore(root, { name, identity: BENCH_IDENTITY });
  let started = performance.now();
  const traces = [...generateTldrTraces(pages, count)];
  for (const t of traces) {
    const file = path.join(root, t.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, t.text);
  }
  const writeMs = performance.now() - started;
  started = performance.now();
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--no-verify', '-m', `Import ${count} traces from tldr pages`);
  return { root, traces, write_ms: Math.round(writeMs), commit_ms: Math.round(performance.now() - started) };
}
