import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { commitAll, git, makeBareRemote, makeStore, writeFile } from './git.js';
import { tempDir } from './temp-dir.js';

/** A private data dir per test, so registries never leak between tests. */
export const home = (): Record<string, string> => ({
  CT_HOME: path.join(tempDir('ct-home-'), 'ct'),
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
});

/** Contributions on unrelated problems, so none is a near-duplicate of another. */
export const DRAFTS = {
  pnpm: {
    title: 'pnpm install fails with ERR_PNPM_OUTDATED_LOCKFILE in CI',
    tags: ['pnpm', 'ci'],
    context:
      'Running `pnpm install --frozen-lockfile` in GitHub Actions fails with ERR_PNPM_OUTDATED_LOCKFILE: the lockfile is not up to date with package.json.',
    solution:
      'Run `pnpm install` locally and commit the updated pnpm-lock.yaml:\n\n```sh\npnpm install\ngit add pnpm-lock.yaml\n```\n\nCI uses --frozen-lockfile by default, so it refuses to change the lockfile.',
  },
  vite: {
    title: 'Vite dev server exits with EADDRINUSE on port 5173',
    tags: ['vite'],
    context:
      'Starting `vite` prints `Error: listen EADDRINUSE: address already in use :::5173` when an old dev server is still running.',
    solution:
      'Stop the old process (`lsof -i :5173`, then kill it) or pick another port in vite.config.ts:\n\n```ts\nexport default { server: { port: 5174, strictPort: false } };\n```',
  },
  distutils: {
    title: "Python 3.12: ModuleNotFoundError: No module named 'distutils'",
    tags: ['python', 'pip'],
    context:
      "Installing an old package on Python 3.12 fails with ModuleNotFoundError: No module named 'distutils' during the build step.",
    solution:
      'distutils was removed in Python 3.12 (PEP 632). Install setuptools, which provides a shim, or upgrade the package:\n\n```sh\npip install --upgrade setuptools\n```',
  },
  jest: {
    title: 'Jest: SyntaxError: Cannot use import statement outside a module',
    tags: ['jest', 'typescript'],
    context:
      'Running `jest` on a TypeScript project fails with `SyntaxError: Cannot use import statement outside a module` for every test file.',
    solution:
      'Jest does not compile TypeScript by itself. Add a transform, e.g. ts-jest:\n\n```js\nmodule.exports = { preset: "ts-jest", testEnvironment: "node" };\n```',
  },
} as const;
export interface Draft {
  title: string;
  tags: readonly string[];
  context: string;
  solution: string;
}

/** `ct contribute` flags for a draft. */
export function draftArgs(draft: Draft): string[] {
  return [
    '--title',
    draft.title,
    '--tags',
    draft.tags.join(','),
    '--context',
    draft.context,
    '--solution',
    draft.solution,
  ];
}

/** A store with `files` committed, and (unless `remote: false`) a bare remote as origin with them. */
export async function makeStoreWith(
  files: Record<string, string> = {},
  options: { remote?: boolean } = {},
): Promise<{ root: string; bare: string | undefined }> {
  const root = await makeStore();
  for (const [rel, content] of Object.entries(files)) writeFile(root, rel, content);
  if (Object.keys(files).length > 0) commitAll(root, 'add traces');
  return { root, bare: options.remote === false ? undefined : makeBareRemote(root) };
}

/** Sets ct.yml fields by dotted path (e.g. `forge`, `policy.direct_push_votes`), commits, and pushes to origin if any. */
export function setConfig(root: string, values: Record<string, unknown>): void {
  const file = path.join(root, 'ct.yml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(values)) doc.setIn(key.split('.'), value);
  fs.writeFileSync(file, doc.toString());
  commitAll(root, 'configure the store');
  if (git(root, 'remote').trim()) git(root, 'push', '--quiet', 'origin', 'main');
}

/** Installs an executable hook (a shell script body) in a bare repository. */
export function installHook(bare: string, name: 'pre-receive' | 'post-receive', body: string): void {
  const file = path.join(bare, 'hooks', name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
}

/** A hook body that records the push options and ref updates a push delivered into `file`. */
export function recordPushHook(file: string, extra = ''): string {
  return [
    `out='${file}'`,
    ': > "$out"',
    'i=0',
    'while [ "$i" -lt "${GIT_PUSH_OPTION_COUNT:-0}" ]; do printf "option %s\\n" "$(printenv "GIT_PUSH_OPTION_$i")" >> "$out"; i=$((i+1)); done',
    'while read old new ref; do printf "ref %s %s\\n" "$ref" "$new" >> "$out"; done',
    extra,
  ].join('\n');
}

/** The state of the user's checkout that a contribution must not change. */
export function snapshotCheckout(root: string): Record<string, string> {
  const run = (...args: string[]) => git(root, ...args);
  return {
    status: run('status', '--porcelain=v2', '--untracked-files=all'),
    head: run('rev-parse', 'HEAD'),
    branch: run('symbolic-ref', 'HEAD'),
    staged: run('diff', '--cached'),
    unstaged: run('diff'),
  };
}

/** Every object id in a repository (loose and packed, reachable or not). */
export function objectIds(repo: string): string[] {
  return git(repo, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)')
    .trim()
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** Branch name -> commit of every branch under refs/heads/ct/ in a repository. */
export function ctBranches(repo: string): Record<string, string> {
  const out = git(repo, 'for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/ct/').trim();
  return Object.fromEntries(out ? out.split('\n').map((l) => l.split(' ') as [string, string]) : []);
}

/** `.ct/pending.json` of a store, or [] when there is none. */
export function readPendingFile(root: string): { branch: string; kind: string }[] {
  const file = path.join(root, '.ct', 'pending.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { branch: string; kind: string }[]) : [];
}

/** Files a branch changes against another ref: `M path`, `A path`, ... */
export function changedFiles(repo: string, from: string, to: string): string[] {
  return git(repo, 'diff', '--name-status', `${from}...${to}`)
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/\t/, ' '));
}

/** A port on 127.0.0.1 nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
