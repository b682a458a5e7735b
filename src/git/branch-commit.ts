import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError } from '../errors.js';
import { identityEnv } from './repo.js';
import { runGit } from './run.js';

/** A file to write (content) or delete (null) in a commit, by path relative to the repo root. */
export interface FileChange {
  path: string;
  content: string | null;
}

export interface BranchCommit {
  branch: string;
  commit: string;
  base: string;
}

const ZERO = '0000000000000000000000000000000000000000';

/**
 * Commits `changes` on top of `base` to a new branch with git plumbing only (hash-object,
 * a private index file, write-tree, commit-tree, update-ref): the user's working tree, index
 * and current branch are never touched, and nothing is checked out. The branch is created
 * with an expected old value of "absent", so two contributions at once can never clobber each
 * other's branch.
 */
export async function commitToNewBranch(
  root: string,
  options: {
    branch: string;
    base: string;
    changes: readonly FileChange[];
    message: string;
    author: { name: string; email: string };
    replace?: boolean;
    /** Sign the commit (`commit-tree -S`) with the user's configured key: plumbing ignores commit.gpgSign. */
    sign?: boolean;
  },
): Promise<BranchCommit> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-index-'));
  const env = { ...identityEnv(options.author), GIT_INDEX_FILE: path.join(scratch, 'index') };
  try {
    const base = (await runGit(root, ['rev-parse', '--verify', `${options.base}^{commit}`])).stdout.trim();
    await runGit(root, ['read-tree', base], { env });
    for (const change of options.changes) {
      if (change.content === null) {
        await runGit(root, ['update-index', '--force-remove', '--', change.path], { env });
        continue;
      }
      const blob = (
        await runGit(root, ['hash-object', '-w', '--stdin', `--path=${change.path}`], { input: change.content })
      ).stdout.trim();
      await runGit(root, ['update-index', '--add', '--cacheinfo', `100644,${blob},${change.path}`], { env });
    }
    const tree = (await runGit(root, ['write-tree'], { env })).stdout.trim();
    const baseTree = (await runGit(root, ['rev-parse', `${base}^{tree}`])).stdout.trim();
    if (tree === baseTree)
      throw new GitError('the change is already in the store: nothing to commit', 'nothing was written');
    const commit = (
      await runGit(root, ['commit-tree', ...(options.sign ? ['-S'] : []), tree, '-p', base, '-F', '-'], {
        env,
        input: options.message,
      })
    ).stdout.trim();
    const ref = `refs/heads/${options.branch}`;
    const old = options.replace
      ? (await runGit(root, ['rev-parse', '--verify', '--quiet', ref]).catch(() => ({ stdout: ZERO }))).stdout.trim() ||
        ZERO
      : ZERO;
    try {
      await runGit(root, ['update-ref', '-m', `ct: ${options.message.split('\n')[0]}`, ref, commit, old]);
    } catch (e) {
      throw new GitError(
        `branch ${options.branch} already exists`,
        'another contribution with the same name is in progress; try again',
        e,
      );
    }
    return { branch: options.branch, commit, base };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** The file at `path` in `ref`, or undefined when it does not exist there. */
export async function readFileAtRef(root: string, ref: string, file: string): Promise<string | undefined> {
  return runGit(root, ['show', `${ref}:${file}`]).then(
    (r) => r.stdout,
    () => undefined,
  );
}
