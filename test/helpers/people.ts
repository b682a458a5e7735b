import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { voterKey } from '../../src/ballot/schema.js';
import { writeFile } from './git.js';
import { tempDir } from './temp-dir.js';

/** A git identity for tests, with the voter key its vote and flag files are named by. */
export interface Person {
  name: string;
  email: string;
  key: string;
}

export function person(name: string): Person {
  const email = `${name.toLowerCase()}@example.com`;
  return { name, email, key: voterKey(email) };
}

const envOf = (who: Person, committer: Person = who): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_AUTHOR_NAME: who.name,
  GIT_AUTHOR_EMAIL: who.email,
  GIT_COMMITTER_NAME: committer.name,
  GIT_COMMITTER_EMAIL: committer.email,
});

/** Runs git as `who` (author and committer). */
export function gitAs(who: Person, cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: envOf(who) });
}

/** Writes `files` (path -> content; null deletes), stages everything and commits as `who`. */
export function commitAs(
  who: Person,
  root: string,
  files: Record<string, string | null>,
  options: { message?: string; sign?: SigningKey; committer?: Person } = {},
): string {
  for (const [file, content] of Object.entries(files)) {
    if (content === null) fs.rmSync(path.join(root, file), { force: true });
    else writeFile(root, file, content);
  }
  gitAs(who, root, 'add', '--all');
  const sign = options.sign ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${options.sign.privateKey}`] : [];
  const args = [
    ...sign,
    'commit',
    '--quiet',
    '--no-verify',
    ...(options.sign ? ['-S'] : ['--no-gpg-sign']),
    '-m',
    options.message ?? `commit by ${who.name}`,
  ];
  execFileSync('git', args, { cwd: root, stdio: 'ignore', env: envOf(who, options.committer) });
  return gitAs(who, root, 'rev-parse', 'HEAD').trim();
}

export const voteFile = (id: string, who: Person) => `votes/${id}/${who.key}.yml`;
export const flagFile = (id: string, who: Person) => `flags/${id}/${who.key}.yml`;
export const vote = (direction: 'up' | 'down') =>
  `vote: ${direction}\n${direction === 'down' ? 'reason: fails on arm64\n' : ''}at: 2026-11-21T10:00:00Z\n`;
export const FLAG = 'reason: outdated\nnote: compose v1 syntax\nat: 2026-11-21T10:00:00Z\n';

export interface SigningKey {
  privateKey: string;
  allowedSigners: string;
}

/**
 * An ed25519 SSH key for `who` (no passphrase) and an allowed-signers file that trusts it, for
 * `git -c gpg.format=ssh -c user.signingkey=<key> commit -S` and gpg.ssh.allowedSignersFile.
 */
export function makeSigningKey(who: Person): SigningKey {
  const dir = tempDir('ct-ssh-');
  const privateKey = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', who.email, '-f', privateKey], { stdio: 'ignore' });
  const publicKey = fs.readFileSync(`${privateKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const allowedSigners = path.join(dir, 'allowed_signers');
  fs.writeFileSync(allowedSigners, `${who.email} namespaces="git" ${publicKey}\n`);
  return { privateKey, allowedSigners };
}
