import fs from 'node:fs/promises';
import path from 'node:path';
import { CtError, ExitCode, GitError } from '../errors.js';
import { identityEnv, requireGitIdentity } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { storeTemplateDir } from '../paths.js';
import { validateStoreName } from './registry.js';

/** Template files stored without their leading dot, because npm drops `.gitignore` from packages. */
const RENAMES: Record<string, string> = { gitignore: '.gitignore' };

export interface InitStoreOptions {
  name: string;
  description?: string;
  /** Commit as this identity instead of the user's (the built-in seeds store). */
  identity?: { name: string; email: string };
  branch?: string;
  /** ct.yml policy.require_signed_votes (default true: only signed votes and flags count). */
  signedVotes?: boolean;
}

export interface InitStoreResult {
  root: string;
  name: string;
  commit: string;
  files: string[];
}

/**
 * Creates a new store from store-template/ in `dir` (which must be absent or empty): the files,
 * `git init`, and one initial commit. On failure the directory is removed again, so nothing
 * half-made is left behind.
 */
export async function initStore(dir: string, options: InitStoreOptions): Promise<InitStoreResult> {
  validateStoreName(options.name);
  const root = path.resolve(dir);
  const existed = await fs.stat(root).then(
    (s) => {
      if (!s.isDirectory())
        throw new CtError('init-target-exists', `${root} exists and is not a directory`, {
          hint: 'choose a new directory name',
          exit: ExitCode.usage,
        });
      return true;
    },
    () => false,
  );
  if (existed && (await fs.readdir(root)).length > 0) {
    throw new CtError('init-target-not-empty', `${root} is not empty`, {
      hint: 'choose a new or empty directory: ct init <dir>',
      exit: ExitCode.usage,
    });
  }
  const identity = options.identity ?? (await requireGitIdentity(existed ? root : path.dirname(root)));
  await fs.mkdir(root, { recursive: true });
  try {
    const files = await copyTemplate(storeTemplateDir(), root, {
      name: options.name,
      description: options.description ?? `CommonTrace store ${options.name}`,
      require_signed_votes: String(options.signedVotes !== false),
    });
    const env = identityEnv(identity);
    await runGit(root, ['init', '--quiet', '--initial-branch', options.branch ?? 'main'], { env });
    await runGit(root, ['add', '--all'], { env });
    const message = `Create CommonTrace store "${options.name}"`;
    await runGit(root, ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message], { env });
    const commit = (await runGit(root, ['rev-parse', 'HEAD'])).stdout.trim();
    return { root, name: options.name, commit, files };
  } catch (e) {
    if (existed) {
      for (const entry of await fs.readdir(root)) await fs.rm(path.join(root, entry), { recursive: true, force: true });
    } else await fs.rm(root, { recursive: true, force: true });
    if (e instanceof CtError) throw e;
    throw new GitError(
      `could not create the store in ${root}: ${(e as Error).message}`,
      'check that git works (`ct doctor`) and try again',
      e,
    );
  }
}

async function copyTemplate(from: string, to: string, values: Record<string, string>): Promise<string[]> {
  const written: string[] = [];
  const visit = async (rel: string) => {
    for (const entry of await fs.readdir(path.join(from, rel), { withFileTypes: true })) {
      const sourceRel = rel ? `${rel}/${entry.name}` : entry.name;
      const targetRel = rel ? `${rel}/${RENAMES[entry.name] ?? entry.name}` : (RENAMES[entry.name] ?? entry.name);
      if (entry.isDirectory()) {
        await fs.mkdir(path.join(to, targetRel), { recursive: true });
        await visit(sourceRel);
      } else {
        const text = await fs.readFile(path.join(from, sourceRel), 'utf8');
        await fs.writeFile(
          path.join(to, targetRel),
          text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m),
        );
        written.push(targetRel);
      }
    }
  };
  await visit('');
  return written.sort();
}
