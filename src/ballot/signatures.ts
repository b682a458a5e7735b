import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnGit } from '../git/run.js';
import { findSymlink, pathExists } from '../util/fs.js';

/** What git says about a commit's signature: its `%G?` letter and the signer (`%GS`). */
export interface Signature {
  /** G good, U good with unknown validity, N none, B bad, X/Y expired, R revoked, E not checkable. */
  status: string;
  /** The signer: for SSH, the principal the store's allowed-signers file lists for the key; for GPG, the key's user id. */
  signer: string;
}

/**
 * The signatures of some commits in one `git log --no-walk`, verified against an allowed-signers
 * file when one is given (the store's, see storeSigners), else against the user's git
 * configuration (gpg.ssh.allowedSignersFile, the GPG keyring). A commit git cannot read is left out.
 */
export async function readSignatures(
  root: string,
  commits: readonly string[],
  allowedSignersFile: string | undefined,
): Promise<Map<string, Signature>> {
  const out = new Map<string, Signature>();
  if (commits.length === 0) return out;
  const config = allowedSignersFile ? ['-c', `gpg.ssh.allowedSignersFile=${allowedSignersFile}`] : [];
  const result = await spawnGit(
    root,
    [...config, 'log', '--no-walk=unsorted', '--format=%H%x00%G?%x00%GS', '--stdin'],
    {
      input: `${[...new Set(commits)].join('\n')}\n`,
    },
  );
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [commit, status, signer] = line.split('\0');
    if (commit && status) out.set(commit, { status, signer: signer ?? '' });
  }
  return out;
}

/**
 * The store's allowed-signers file (ct.yml policy.allowed_signers) as it is in the checkout, when
 * it exists as a regular file inside the store: the keys the maintainers accepted.
 */
export async function storeSigners(root: string, rel: string): Promise<string | undefined> {
  const file = path.resolve(root, rel);
  if (!file.startsWith(`${path.resolve(root)}${path.sep}`)) return undefined;
  if ((await findSymlink(root, rel)) !== undefined || !(await pathExists(file))) return undefined;
  return file;
}

/**
 * The store's allowed-signers file as it is at `ref` (a pull request's base), copied to a
 * temporary file for git: a pull request must not vouch for its own signatures by adding a key.
 * Undefined when the file is not there at `ref`; `cleanup` removes the copy.
 */
export async function signersAt(
  root: string,
  ref: string,
  rel: string,
): Promise<{ file: string | undefined; cleanup: () => Promise<void> }> {
  const blob = await spawnGit(root, ['show', `${ref}:${rel}`]);
  if (blob.code !== 0) return { file: undefined, cleanup: async () => {} };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-signers-'));
  const file = path.join(dir, 'allowed_signers');
  await fs.writeFile(file, blob.stdout);
  return { file, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** The e-mail address of a signer: an SSH principal is one; a GPG user id carries it in <...>. */
export function signerEmail(signer: string): string {
  return (/<([^>]+)>/.exec(signer)?.[1] ?? signer).trim().toLowerCase();
}
