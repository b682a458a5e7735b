import { GitError, NotFoundError, UsageError } from '../errors.js';
import { readBlobs } from '../git/blobs.js';
import { gitDetail, spawnGit } from '../git/run.js';
import { findTrace } from '../store/find-trace.js';
import { TRACES_DIR } from '../store/load.js';

export interface LocatedTrace {
  id: string;
  /** The file at the commit, or the path it had when it was deleted. */
  path: string;
  deleted: boolean;
}

const ID_LINE = /^id:\s*["']?([0-9A-Za-z]+)/m;

/** The commit a ref names, or a clear error when there is none. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  const result = await spawnGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const commit = result.stdout.toString('utf8').trim();
  if (result.code === 0 && commit) return commit;
  if (ref === 'HEAD')
    throw new NotFoundError('no-history', `the store at ${root} has no commits yet`, 'commit or sync the store first');
  throw new NotFoundError(
    'ref-not-found',
    `no commit named ${ref} in ${root}`,
    'give a branch, tag or commit of the store',
  );
}

/**
 * Finds a trace by id (or an unambiguous prefix of at least 6 characters) in a commit with one
 * `git grep` over its tree; failing that, among traces deleted before it (`git log -G`).
 */
export async function locateTrace(root: string, query: string, commit: string): Promise<LocatedTrace> {
  const wanted = query.trim().toUpperCase();
  if (!/^[0-9A-Z]{6,26}$/.test(wanted))
    throw new UsageError(
      `"${query}" is not a trace id`,
      'give the 26-character id, or at least its first 6 characters',
    );
  const pattern = `^id:[[:space:]]*["']?${wanted}`;
  const grep = await spawnGit(root, [
    'grep',
    '-I',
    '-i',
    '-z',
    '-o',
    '-E',
    `${pattern}[0-9A-Za-z]*`,
    commit,
    '--',
    `${TRACES_DIR}/`,
  ]);
  if (grep.code > 1) throw new GitError(`git grep failed: ${gitDetail(grep)}`);
  const present: { id: string; path: string }[] = [];
  for (const line of grep.stdout.toString('utf8').split('\n')) {
    const [where, match] = line.split('\0');
    if (!where || !match) continue;
    const file = where.slice(commit.length + 1);
    const id = ID_LINE.exec(match)?.[1]?.toUpperCase();
    if (id && file.endsWith('.md')) present.push({ id, path: file });
  }
  const live = pick(query, wanted, present);
  if (live) return { ...live, deleted: false };

  const log = await spawnGit(root, [
    'log',
    commit,
    '--diff-filter=D',
    '--format=%x1e%H',
    '--name-only',
    '-G',
    pattern,
    '--',
    `${TRACES_DIR}/`,
  ]);
  if (log.code !== 0) throw new GitError(`git log failed: ${gitDetail(log)}`);
  const candidates: { commit: string; path: string }[] = [];
  for (const record of log.stdout.toString('utf8').split('\x1e')) {
    const [hash, ...files] = record
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const file of files)
      if (hash && file.endsWith('.md') && !candidates.some((c) => c.path === file))
        candidates.push({ commit: hash, path: file });
  }
  if (candidates.length > 0) {
    // The deleted file's text is in the deleting commit's first parent.
    const specs = candidates.map((c) => `${c.commit}^:${c.path}`);
    const texts = await readBlobs(root, specs);
    const gone = candidates.flatMap((c, i) => {
      const id = ID_LINE.exec(texts.get(specs[i] as string) ?? '')?.[1]?.toUpperCase();
      return id?.startsWith(wanted) ? [{ id, path: c.path }] : [];
    });
    const deleted = pick(query, wanted, gone);
    if (deleted) return { ...deleted, deleted: true };
  }

  const uncommitted = await findTrace(root, query).catch(() => undefined);
  if (uncommitted)
    throw new NotFoundError(
      'trace-not-committed',
      `${uncommitted.path} (${uncommitted.id}) has no history yet: it is not committed on this branch`,
      'its history starts once it is committed (or merged); `ct show` reads it now',
    );
  throw new NotFoundError(
    'trace-not-found',
    `no trace with id ${query} in the history of ${root}`,
    'search for it with `ct search`, or pick another store with --store',
  );
}

function pick(
  query: string,
  wanted: string,
  found: readonly { id: string; path: string }[],
): { id: string; path: string } | undefined {
  const exact = found.filter((f) => f.id === wanted);
  const candidates = exact.length > 0 ? exact : found;
  const ids = [...new Set(candidates.map((c) => c.id))];
  if (ids.length > 1)
    throw new UsageError(
      `"${query}" matches ${ids.length} traces: ${ids.join(', ')}`,
      'give more characters of the id',
    );
  return candidates[0];
}

/** Paths with a leading ":" or glob characters must not be read as pathspec magic. */
export function literalPath(p: string): string {
  return `:(literal)${p}`;
}
