import fs from 'node:fs/promises';
import { type LogRecord, type RawChange, streamLog } from '../git/log.js';
import { runGit } from '../git/run.js';
import { localPath, refuseLocalSymlinks } from '../store/local.js';
import { readLines, writeFileAtomic } from '../util/fs.js';
import { ownString } from '../util/own-string.js';
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

export interface WritersOptions {
  /**
   * Which trace files to report the author of (every one by default). A store of 1,000,000 traces
   * has 1,000,000 of them (~150 MB of heap held at once), while trust asks about a few.
   */
  keepAdded?: (file: string, writer: Writer) => boolean;
}

/**
 * Who added each trace and who last wrote each vote and flag file, from the history of the
 * current branch replayed oldest first. The replay is cached per HEAD in .ct/cache/ and extended
 * with just the new commits when HEAD moved forward (`ct sync`), so the whole history is read
 * once per checkout; the log is streamed, and the cache is read line by line, so neither is ever
 * held whole. The log is not limited to traces/, votes/ and flags/ by a pathspec: on a store
 * (where nearly every commit touches them) that made git compare every tree twice and measured
 * 2.6x slower; other paths are skipped here instead. A repository without commits has no history
 * (every file then counts as uncommitted).
 */
export async function readWriters(root: string, options: WritersOptions = {}): Promise<FileWriters> {
  const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (!head) return { added: new Map(), written: new Map() };
  const cachedHead = await readCacheHead(root);
  if (cachedHead === head) {
    const cached = await readCache(root, head, options.keepAdded);
    if (cached) return cached;
  }
  const base =
    cachedHead &&
    (await runGit(root, ['merge-base', '--is-ancestor', cachedHead, head]).then(
      () => cachedHead,
      () => undefined,
    ));
  const start = base ? await readCache(root, base) : undefined;
  const replay = new HistoryReplay(start);
  await streamLog(
    root,
    { revisions: [start ? `${base}..${head}` : head], oldestFirst: true, merges: 'combined' },
    replay,
  );
  const history = replay.history();
  // Only a cache: a read-only checkout still gets its answer.
  await writeCache(root, head, history).catch(() => undefined);
  const keep = options.keepAdded;
  if (keep) for (const [file, writer] of history.added) if (!keep(file, writer)) history.added.delete(file);
  return history;
}

/** The replay behind {@link readWriters}, separate so it can be tested without git. */
export function replayHistory(commits: readonly LogRecord[], start?: FileWriters): FileWriters {
  const replay = new HistoryReplay(start);
  for (const { changes, ...commit } of commits) {
    replay.commit(commit);
    for (const change of changes) replay.change(change);
  }
  return replay.history();
}

/** Commits and their changes in history order (oldest first), as {@link streamLog} hands them over. */
class HistoryReplay {
  private readonly added: Map<string, Writer>;
  private readonly written: Map<string, Writer>;
  private writer: Writer | undefined;

  constructor(start?: FileWriters) {
    this.added = new Map(start?.added);
    this.written = new Map(start?.written);
  }

  commit(commit: Omit<LogRecord, 'changes'>): void {
    this.writer = {
      commit: commit.commit,
      email: commit.author.email,
      key: voterKey(commit.author.email),
      committer: commit.committer.email,
    };
  }

  change(change: RawChange): void {
    const { added, written } = this;
    const writer = this.writer as Writer;
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

  history(): FileWriters {
    return { added: this.added, written: this.written };
  }
}

const isTrace = (file: string) => file.startsWith('traces/') && file.endsWith('.md');
const isBallot = (file: string) => (file.startsWith('votes/') || file.startsWith('flags/')) && file.endsWith('.yml');

/**
 * On disk, one line each, so the cache is read and written a piece at a time (80 MB at 1,000,000
 * traces): a JSON header `{"version":3,"head":...}`, then `w\t[commit,email,committer]` for each
 * writer (listed once: many files share a commit), then `a\t<writer>\t<file>` for each trace file
 * and `b\t<writer>\t<file>` for each vote or flag file. A file name starting with `"` or holding a
 * line break or tab is written as a JSON string.
 */
const CACHE_VERSION = 3;
const cacheFile = (root: string) => localPath(root, 'cache', 'file-writers.txt');

async function readCacheHead(root: string): Promise<string | undefined> {
  const handle = await fs.open(cacheFile(root), 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const line = buffer.toString('utf8', 0, bytesRead).split('\n')[0] ?? '';
    const header = JSON.parse(line) as { version?: unknown; head?: unknown };
    return header.version === CACHE_VERSION && typeof header.head === 'string' ? header.head : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The cached history at `head`, or undefined when the cache is missing, for another commit, or damaged. */
async function readCache(
  root: string,
  head: string,
  keepAdded?: (file: string, writer: Writer) => boolean,
): Promise<FileWriters | undefined> {
  const writers: Writer[] = [];
  const history: FileWriters = { added: new Map(), written: new Map() };
  let first = true;
  try {
    for await (const line of readLines(cacheFile(root))) {
      if (first) {
        first = false;
        const header = JSON.parse(line) as { version?: unknown; head?: unknown };
        if (header.version !== CACHE_VERSION || header.head !== head) return undefined;
        continue;
      }
      const kind = line.charAt(0);
      if (kind === 'w') {
        const [commit, email, committer] = JSON.parse(line.slice(2)) as [string, string, string];
        writers.push({ commit, email, key: voterKey(email), committer });
        continue;
      }
      const tab = line.indexOf('\t', 2);
      const writer = writers[Number(line.slice(2, tab))];
      const name = line.slice(tab + 1);
      const file = name.startsWith('"') ? (JSON.parse(name) as string) : name;
      if (!writer || tab < 0 || !file) return undefined;
      if (kind === 'b') history.written.set(ownString(file), writer);
      else if (kind === 'a' && (!keepAdded || keepAdded(file, writer))) history.added.set(ownString(file), writer);
      else if (kind !== 'a') return undefined;
    }
  } catch {
    return undefined;
  }
  return first ? undefined : history;
}

async function writeCache(root: string, head: string, history: FileWriters): Promise<void> {
  await refuseLocalSymlinks(root, 'cache');
  await writeFileAtomic(cacheFile(root), cacheLines(head, history));
  // The JSON cache of earlier versions (up to format 2) is never read again.
  await fs.rm(localPath(root, 'cache', 'file-writers.json'), { force: true });
}

/** The cache's text, about a megabyte at a time. */
function* cacheLines(head: string, history: FileWriters): Generator<string> {
  const index = new Map<string, number>();
  let out = `${JSON.stringify({ version: CACHE_VERSION, head })}\n`;
  const ref = (w: Writer) => {
    let i = index.get(w.commit);
    if (i === undefined) {
      index.set(w.commit, (i = index.size));
      out += `w\t${JSON.stringify([w.commit, w.email, w.committer])}\n`;
    }
    return i;
  };
  const name = (file: string) => (file.startsWith('"') || /[\t\n\r]/.test(file) ? JSON.stringify(file) : file);
  for (const [kind, files] of [
    ['a', history.added],
    ['b', history.written],
  ] as const) {
    for (const [file, writer] of files) {
      const i = ref(writer);
      out += `${kind}\t${i}\t${name(file)}\n`;
      if (out.length >= 1 << 20) {
        yield out;
        out = '';
      }
    }
  }
  yield out;
}
