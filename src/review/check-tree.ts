import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { checkStore } from '../check/run.js';
import { GitError } from '../errors.js';
import { gitDetail, spawnGit } from '../git/run.js';
import { CONFIG_FILE } from '../store/config.js';
import { compareProblems, type Problem, ProblemSchema } from '../trace/problem.js';
import { pathExists } from '../util/fs.js';
import type { ChangedFile } from './changes.js';

export const ReviewCheckSchema = z.object({
  ok: z.boolean().describe('True when `ct check` finds no errors.'),
  errors: z.number().int(),
  warnings: z.number().int(),
  checked: z.number().int().describe('Files checked: the ones the branch adds or changes.'),
});
export const ReviewCheckWithProblemsSchema = ReviewCheckSchema.extend({ problems: z.array(ProblemSchema) });
export type ReviewCheck = z.infer<typeof ReviewCheckWithProblemsSchema>;

// Checkouts of contributed trees: no hooks of the maintainer run on them, and a contributed
// symlink is written as a plain file holding its target, so the check never reads outside.
const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.symlinks=false', '-c', 'advice.detachedHead=false'];
const DATA_DIRS = ['traces/', 'votes/', 'flags/'];

/**
 * A temporary `git worktree add --detach` of the store, for running `ct check` on other
 * commits without touching the maintainer's checkout; reused across commits (a switch
 * rewrites only the files that differ) and removed by {@link ScratchWorktree.remove}.
 */
export class ScratchWorktree {
  private constructor(
    private readonly root: string,
    readonly dir: string,
  ) {}

  static async create(root: string, commit: string): Promise<ScratchWorktree> {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-review-'));
    const dir = path.join(parent, 'tree');
    const added = await spawnGit(root, [...SAFE, 'worktree', 'add', '--detach', '--no-checkout', dir, commit]);
    if (added.code !== 0) {
      await fs.rm(parent, { recursive: true, force: true });
      throw new GitError(`git worktree add failed: ${gitDetail(added)}`);
    }
    return new ScratchWorktree(root, dir);
  }

  /**
   * Runs `ct check` on `commit`, limited to the files the branch changes, with the history
   * rules (vote and flag authorship, traces per change) over the commits in `base..commit`.
   */
  async check(commit: string, files: readonly ChangedFile[], base: string): Promise<ReviewCheck> {
    const switched = await spawnGit(this.dir, [...SAFE, 'checkout', '--quiet', '--detach', '--force', commit]);
    if (switched.code !== 0) throw new GitError(`git checkout of ${commit.slice(0, 8)} failed: ${gitDetail(switched)}`);
    const problems: Problem[] = reviewProblems(files);
    const present = files
      .filter((f) => f.status !== 'deleted' && f.mode !== '160000')
      .map((f) => path.join(this.dir, f.path));
    // With no paths checkStore checks the whole store; a branch that only deletes files is
    // scoped to ct.yml instead, so the history rules (who may delete a vote) still run.
    const config = path.join(this.dir, CONFIG_FILE);
    const scope = present.length > 0 ? present : (await pathExists(config)) ? [config] : [];
    let checked = 0;
    if (scope.length > 0) {
      const report = await checkStore(this.dir, { paths: scope, cwd: this.dir, base });
      problems.push(...report.problems);
      checked = present.length > 0 ? report.checked : 0;
    } else {
      problems.push({
        file: CONFIG_FILE,
        rule: 'config/invalid',
        severity: 'error',
        message: 'the branch deletes ct.yml',
        hint: 'a store needs its ct.yml; reject the branch',
      });
    }
    problems.sort(compareProblems);
    const errors = problems.filter((p) => p.severity === 'error').length;
    return { ok: errors === 0, errors, warnings: problems.length - errors, checked, problems };
  }

  async remove(): Promise<void> {
    const removed = await spawnGit(this.root, ['worktree', 'remove', '--force', this.dir]).catch(() => undefined);
    await fs.rm(path.dirname(this.dir), { recursive: true, force: true });
    if (removed?.code !== 0) await spawnGit(this.root, ['worktree', 'prune']).catch(() => undefined);
  }
}

/** Checks `commit` in a scratch worktree that is removed afterwards. */
export async function checkCommit(
  root: string,
  commit: string,
  files: readonly ChangedFile[],
  base: string,
): Promise<ReviewCheck> {
  const tree = await ScratchWorktree.create(root, commit);
  try {
    return await tree.check(commit, files, base);
  } finally {
    await tree.remove();
  }
}

/** What only a reviewer of a branch can see: links, submodules and files outside the data folders. */
function reviewProblems(files: readonly ChangedFile[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    if (file.mode === '120000')
      problems.push({
        file: file.path,
        rule: 'review/symlink',
        severity: 'error',
        message: 'the branch adds a symbolic link',
        hint: 'a store holds plain files only; ask for the file itself',
      });
    else if (file.mode === '160000')
      problems.push({
        file: file.path,
        rule: 'review/submodule',
        severity: 'error',
        message: 'the branch adds a submodule',
        hint: 'a store holds plain files only',
      });
    else if (!DATA_DIRS.some((d) => file.path.startsWith(d)) && file.status !== 'deleted') {
      problems.push({
        file: file.path,
        rule: 'review/outside-data',
        severity: 'warning',
        message: `the branch ${file.status === 'added' ? 'adds' : 'changes'} a file outside traces/, votes/ and flags/`,
        hint:
          'contributions change traces, votes and flags; review this file by hand (CI workflows and ' +
          'ct.yml change what the store trusts)',
      });
    }
  }
  return problems;
}
