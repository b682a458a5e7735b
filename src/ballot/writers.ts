import fs from 'node:fs/promises';
import { type LogRecord, readLog } from '../git/log.js';
import { runGit } from '../git/run.js';
import { localPath, refuseLocalSymlinks } from '../store/local.js';
import { writeFileAtomic } from '../util/fs.js';
import { voterKey } from './schema.js';

/** The author of the commit that wrote a file, as history knows it. */
export interface Writer {
  commit: string;
  /** The commit's author e-mail. */
  email: string;
  /** voterKey(email): the name the author's vote and flag files carry. */
  key: string;
  /** The commit's committer e-mail. */
  committer: string;
}

export interface FileWriters {
  /** Trace files present at HEAD -> the commit that added them (renames followed). */
  added: Map<string, Writer>;
  /** Vote and flag files present at HEAD -> the last commit that added or changed them. */
  written: Map<string, Writer>;
}

/**
 * Who added each trace and who last wrote each vote and flag file, from the history of the
 * current branch replayed oldest first. The replay is cached per HEAD in .ct/cache/ and extended
 * with just the new commits when HEAD moved forward (`ct sync`), so the whole history is read
 * once per checkout. The log is not limited to traces/, votes/ and flags/ by a pathspec: on a
 * store (where nearly every commit touches them) that made git compare every tree twice and
 * measured 2.6x slower; other paths are skipped here instead. A repository without commits has
 * no history (every file then counts as uncommitted).
 */
export async function readWriters(root: string): Promise<FileWriters> {
  const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (!head) return { added: new Map(), written: new Map() };
  const cached = await readCache(root);
  if (cached?.head === head) return cached.history;
  const base =
    cached &&
    (await runGit(root, ['merge-base', '--is-ancestor', cached.head, head]).then(
      () => cached,
      () => undefined,
    ));
  const commits = await readLog(root, {
    revisions: [base ? `${base.head}..${head}` : head],
    oldestFirst: true,
    merges: 'combined',
  });
  const history = replayHistory(commits, base?.history);
  // Only a cache: a read-only checkout still gets its answer.
  await writeCache(root, head, history).catch(() => undefined);
  return history;
}

/** The replay behind {@link readFileWriters}, separate so it can be tested without git. */
export function replayHistory(commits: readonly LogRecord[], start?: FileWriters): FileWriters {
  const added = new Map(start?.added);
  const written = new Map(start?.written);
  for (const commit of commits) {
    const writer: Writer = {
      commit: commit.commit,
      email: commit.author.email,
      key: voterKey(commit.author.email),
      committer: commit.committer.email,
    };
    for (const change of commit.changes) {
      // A rename is a removal of `from` and an addition of `path`, except that a moved trace
      // keeps its author: the mover only moved it.
      const from = change.status === 'R' ? change.from : undefined;
      const origin = from ? added.get(from) : undefined;
      if (from) {
        added.delete(from);
        written.delete(from);
      }
      if (isTrace(change.path)) {
        if (change.status === 'D') added.delete(change.path);
        else if (change.status === 'R') added.set(change.path, origin ?? writer);
        else if ((change.status === 'A' || change.status === 'C') && !added.has(change.path))
          added.set(change.path, writer);
        // Modified: an amendment does not change who wrote the trace. A file history never saw
        // being added (a shallow clone) stays without an author.
      } else if (isBallot(change.path)) {
        if (change.status === 'D') written.delete(change.path);
        else written.set(change.path, writer);
      }
    }
  }
  return { added, written };
}

const isTrace = (file: string) => file.startsWith('traces/') && file.endsWith('.md');
const isBallot = (file: string) => (file.startsWith('votes/') || file.startsWith('flags/')) && file.endsWith('.yml');

const CACHE_VERSION = 2;
const cacheFile = (root: string) => localPath(root, 'cache', 'file-writers.json');

/** On disk, writers are listed once and files point at them: many files share a commit. */
interface CacheFile {
  version: number;
  head: string;
  writers: [commit: string, email: string, committer: string][];
  added: [file: string, writer: number][];
  written: [file: string, writer: number][];
}

async function readCache(root: string): Promise<{ head: string; history: FileWriters } | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(cacheFile(root), 'utf8')) as CacheFile;
    if (data.version !== CACHE_VERSION || typeof data.head !== 'string') return undefined;
    const writers = data.writers.map(
      ([commit, email, committer]): Writer => ({ commit, email, key: voterKey(email), committer }),
    );
    const rebuild = (entries: [string, number][]) => new Map(entries.map(([file, i]) => [file, writers[i] as Writer]));
    return { head: data.head, history: { added: rebuild(data.added), written: rebuild(data.written) } };
  } catch {
    return undefined;
  }
}

async function writeCache(root: string, head: string, history: FileWriters): Promise<void> {
  await refuseLocalSymlinks(root, 'cache');
  const index = new Map<string, number>();
  const writers: [string, string, string][] = [];
  const ref = (w: Writer) => {
    let i = index.get(w.commit);
    if (i === undefined) {
      index.set(w.commit, (i = writers.length));
      writers.push([w.commit, w.email, w.committer]);
    }
    return i;
  };
  const data: CacheFile = {
    version: CACHE_VERSION,
    head,
    writers,
    added: [...history.added].map(([f, w]) => [f, ref(w)]),
    written: [...history.written].map(([f, w]) => [f, ref(w)]),
  };
  await writeFileAtomic(cacheFile(root), JSON.stringify(data));
}
