import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { initStore } from '../../src/store/init.js';
import { tempDir } from './temp-dir.js';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A new store from store-template in a temp dir (a real git repository with one commit). Tests of
 * other things opt out of signed votes as a store may (`ct init --no-signed-votes`); the tests of
 * signatures ask for them.
 */
export async function makeStore(name = 'test-store', options: { signedVotes?: boolean } = {}): Promise<string> {
  const root = path.join(tempDir('ct-store-'), name);
  await initStore(root, { name, signedVotes: options.signedVotes ?? false });
  return root;
}

/** A bare repository with `root`'s history, set as root's `origin`. */
export function makeBareRemote(root: string): string {
  const bare = path.join(tempDir('ct-remote-'), 'remote.git');
  git(path.dirname(bare), 'clone', '--quiet', '--bare', root, bare);
  git(root, 'remote', 'add', 'origin', bare);
  git(root, 'fetch', '--quiet', 'origin');
  git(root, 'branch', '--quiet', '--set-upstream-to=origin/main', 'main');
  return bare;
}

export function writeFile(root: string, rel: string, content: string): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export function commitAll(root: string, message = 'test commit'): void {
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '-m', message);
}

/** A fresh clone of `bare` in a temp dir, named `name` (a contributor's checkout). */
export function cloneOf(bare: string, name: string): string {
  const dir = path.join(tempDir('ct-clone-'), name);
  git(path.dirname(dir), 'clone', '--quiet', bare, dir);
  return dir;
}
