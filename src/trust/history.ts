import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../git/exec.js';
import { indexDir } from '../index/state.js';
import { voterKey } from '../store/votes.js';
import { writeFileAtomic } from '../util/fs.js';

/** What one commit did to one file. Merges report only what the merge itself changed. */
export interface FileChange {
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  path: string;
  /** With `renamed`: the path before. */
  from?: string;
}

/** One commit of `git log`, with its author and the files it changed. */
export interface LoggedCommit {
  hash: string;
  email: string;
  /** voterKey(email): the name the author's vote and flag files carry. */
  key: string;
  changes: FileChange[];
}

/** The author of the commit that wrote a file, as history knows it. */
export interface Writer {
  commit: string;
  email: string;
  key: string;
}

export interface TrustHistory {
  /** Trace files present at HEAD -> the commit that added them (renames followed). */
  added: Map<string, Writer>;
  /** Vote and flag files present at HEAD -> the last commit that added or changed them. */
  written: Map<string, Writer>;
}

const RECORD = '\x1e';

/**
 * `git log` with name-status as structured commits: one process for the whole range. `-z` keeps
 * odd file names intact; `--cc` makes a merge report the files it changed itself (an "evil
 * merge" that slips a vote in must not go unseen), while files a merge only took from one side
 * stay with the commits that wrote them. log.showSignature is forced off: it would print
 * signature text into the output.
 */
export async function logCommits(
  root: string,
  revisions: readonly string[],
  paths: readonly string[],
  options: { renames: boolean; oldestFirst?: boolean },
): Promise<LoggedCommit[]> {
  const args = [
    '-c',
    'log.showSignature=false',
    'log',
    '-z',
    '--cc',
    '--name-status',
    '--no-color',
    options.renames ? '-M' : '--no-renames',
    `--format=${RECORD}%H%x09%ae`,
  ];
  if (options.oldestFirst) args.push('--topo-order', '--reverse');
  const { stdout } = await runGit(root, [...args, ...revisions, ...(paths.length > 0 ? ['--', ...paths] : [])]);
  return parseLog(stdout);
}

/** Parses the output of {@link logCommits}. */
export function parseLog(text: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const record of text.split(RECORD)) {
    if (!record.trim()) continue;
    const tokens = record.split('\0');
    const [hash = '', email = ''] = (tokens[0] ?? '').split('\t');
    const changes: FileChange[] = [];
    for (let i = 1; i < tokens.length; ) {
      const status = (tokens[i++] ?? '').trim();
      if (!status) continue;
      if (/^[RC]\d*$/.test(status)) {
        const from = tokens[i++] ?? '';
        const to = tokens[i++] ?? '';
        changes.push(status.startsWith('R') ? { status: 'renamed', path: to, from } : { status: 'added', path: to });
        continue;
      }
      const path = tokens[i++] ?? '';
      // A merge's combined status has one letter per parent ("AA", "MM", "DD").
      const letters = [...status];
      const kind = letters.every((l) => l === 'D') ? 'deleted' : letters.includes('A') ? 'added' : 'modified';
      changes.push({ status: kind, path });
    }
    commits.push({ hash, email, key: voterKey(email), changes });
  }
  return commits;
}

/**
 * Who added each trace and who last wrote each vote and flag file, from the history of the
 * current branch replayed oldest first. The replay is cached per HEAD in .ct/index/ and extended
 * with just the new commits when HEAD moved forward (`ct sync`), so the whole history is read
 * once per checkout. The log is not limited to traces/, votes/ and flags/ by a pathspec: on a
 * store (where nearly every commit touches them) that made git compare every tree twice and
 * measured 2.6x slower; other paths are skipped here instead. A repository without commits has
 * no history (every file then counts as uncommitted).
 */
export async function readTrustHistory(root: string): Promise<TrustHistory> {
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
  const commits = await logCommits(root, [base ? `${base.head}..${head}` : head], [], {
    renames: true,
    oldestFirst: true,
  });
  const history = replayHistory(commits, base?.history);
  // Only a cache: a read-only checkout still gets its answer.
  await writeCache(root, head, history).catch(() => undefined);
  return history;
}

/** The replay behind {@link readTrustHistory}, separate so it can be tested without git. */
export function replayHistory(commits: readonly LoggedCommit[], start?: TrustHistory): TrustHistory {
  const added = new Map(start?.added);
  const written = new Map(start?.written);
  for (const commit of commits) {
    const writer: Writer = { commit: commit.hash, email: commit.email, key: commit.key };
    for (const change of commit.changes) {
      // A rename is a removal of `from` and an addition of `path`, except that a moved trace
      // keeps its author: the mover only moved it.
      const origin = change.from ? added.get(change.from) : undefined;
      if (change.from) {
        added.delete(change.from);
        written.delete(change.from);
      }
      if (isTrace(change.path)) {
        if (change.status === 'deleted') added.delete(change.path);
        else if (change.status === 'renamed') added.set(change.path, origin ?? writer);
        else if (change.status === 'added' && !added.has(change.path)) added.set(change.path, writer);
        // Modified: an amendment does not change who wrote the trace. A file history never saw
        // being added (a shallow clone) stays without an author.
      } else if (isBallot(change.path)) {
        if (change.status === 'deleted') written.delete(change.path);
        else written.set(change.path, writer);
      }
    }
  }
  return { added, written };
}

const isTrace = (file: string) => file.startsWith('traces/') && file.endsWith('.md');
const isBallot = (file: string) => (file.startsWith('votes/') || file.startsWith('flags/')) && file.endsWith('.yml');

const CACHE_VERSION = 1;
const cacheFile = (root: string) => path.join(indexDir(root), 'trust-history.json');

/** On disk, writers are listed once and files point at them: many files share a commit. */
interface CacheFile {
  version: number;
  head: string;
  writers: [commit: string, email: string][];
  added: [file: string, writer: number][];
  written: [file: string, writer: number][];
}

async function readCache(root: string): Promise<{ head: string; history: TrustHistory } | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(cacheFile(root), 'utf8')) as CacheFile;
    if (data.version !== CACHE_VERSION || typeof data.head !== 'string') return undefined;
    const writers = data.writers.map(([commit, email]): Writer => ({ commit, email, key: voterKey(email) }));
    const rebuild = (entries: [string, number][]) => new Map(entries.map(([file, i]) => [file, writers[i] as Writer]));
    return { head: data.head, history: { added: rebuild(data.added), written: rebuild(data.written) } };
  } catch {
    return undefined;
  }
}

async function writeCache(root: string, head: string, history: TrustHistory): Promise<void> {
  const index = new Map<string, number>();
  const writers: [string, string][] = [];
  const ref = (w: Writer) => {
    let i = index.get(w.commit);
    if (i === undefined) {
      index.set(w.commit, (i = writers.length));
      writers.push([w.commit, w.email]);
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
