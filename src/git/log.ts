import { gitFailure, spawnGit } from './run.js';

/** One file change of a commit, from `git log --raw`. Blob ids are all zeros for "none". */
export interface RawChange {
  /**
   * A added, M modified, D deleted, R renamed (with `from`), T type change, C copied. For a merge
   * read with `merges: 'combined'`, the change relative to every parent is folded into one letter:
   * D when the merge deleted the file, A when some parent lacked it, else M.
   */
  status: string;
  path: string;
  from?: string;
  oldBlob: string;
  newBlob: string;
  oldMode: string;
  newMode: string;
}

export interface LogRecord {
  commit: string;
  parents: string[];
  author: { name: string; email: string };
  committer: { email: string };
  /** Author date, ISO 8601. */
  at: string;
  subject: string;
  body: string;
  changes: RawChange[];
}

export interface LogOptions {
  /** Revisions (default HEAD) and options such as --follow. */
  revisions?: readonly string[];
  /** Only commits touching these paths. */
  paths?: readonly string[];
  /** Detect renames (default true). */
  renames?: boolean;
  /** Oldest first, parents before children (default newest first). */
  oldestFirst?: boolean;
  /**
   * What a merge commit reports: nothing (git's default), or what the merge changed itself against
   * every parent (`--cc`): an "evil merge" that slips a vote in must not go unseen, while files a
   * merge only took from one side stay with the commits that wrote them.
   */
  merges?: 'none' | 'combined';
}

export const ZERO_OID = '0000000000000000000000000000000000000000';

// NUL cannot occur in commit messages or identities, so it separates fields; \x1e followed by a
// full hash (a token of its own) starts a record.
const FORMAT = '--format=%x1e%H%x00%P%x00%an%x00%ae%x00%ce%x00%aI%x00%s%x00%b%x00';
const RECORD_START = /^\x1e([0-9a-f]{40,64})$/;
const FIELDS = 8;

/**
 * The one `git log` reader: commits with their identities, messages and `--raw` file changes (blob
 * ids and modes), in one process for a whole history. `-z` keeps odd file names intact, and
 * log.showSignature is forced off (it would print signature text into the output).
 */
export async function readLog(root: string, options: LogOptions = {}): Promise<LogRecord[]> {
  const { records, visitor } = collector();
  await streamLog(root, options, visitor);
  return records;
}

/** A visitor that keeps every commit with its changes. */
function collector(): { records: LogRecord[]; visitor: LogVisitor } {
  const records: LogRecord[] = [];
  const visitor: LogVisitor = {
    commit: (record) => records.push({ ...record, changes: [] }),
    change: (change) => records[records.length - 1]?.changes.push(change),
  };
  return { records, visitor };
}

/** What {@link streamLog} hands over: each commit, then each of its changes, in git's order. */
export interface LogVisitor {
  commit(record: Omit<LogRecord, 'changes'>): void;
  change(change: RawChange): void;
}

/**
 * {@link readLog} without holding the log: commits and changes are handed over as git writes them.
 * The log of one import commit of 1,000,000 traces is ~150 MB of output and ~1 GB once parsed at
 * once; read this way, memory is what the visitor keeps.
 */
export async function streamLog(root: string, options: LogOptions, visitor: LogVisitor): Promise<void> {
  const args = [
    '-c',
    'log.showSignature=false',
    'log',
    FORMAT,
    '-z',
    '--raw',
    '--no-abbrev',
    '--no-color',
    options.renames === false ? '--no-renames' : '-M',
    ...(options.merges === 'combined' ? ['--cc'] : []),
    ...(options.oldestFirst ? ['--topo-order', '--reverse'] : []),
    ...(options.revisions ?? ['HEAD']),
    ...(options.paths && options.paths.length > 0 ? ['--', ...options.paths] : []),
  ];
  const parser = new LogParser(visitor);
  let rest: Buffer | undefined;
  const result = await spawnGit(root, args, {
    onStdout: (chunk) => {
      const bytes = rest ? Buffer.concat([rest, chunk]) : chunk;
      let from = 0;
      for (let nul = bytes.indexOf(0, from); nul !== -1; nul = bytes.indexOf(0, from)) {
        parser.token(bytes.toString('utf8', from, nul));
        from = nul + 1;
      }
      // A copy: a view would keep the whole chunk alive.
      rest = from < bytes.length ? Buffer.from(bytes.subarray(from)) : undefined;
    },
  });
  if (result.code !== 0) throw gitFailure(args, result);
  if (rest) parser.token(rest.toString('utf8'));
}

/** Parses the output of {@link readLog} held as one text (tests). */
export function parseLog(text: string): LogRecord[] {
  const { records, visitor } = collector();
  const parser = new LogParser(visitor);
  for (const token of text.split('\0')) parser.token(token);
  return records;
}

/**
 * The NUL-separated tokens of `git log -z --raw` with {@link FORMAT}, one at a time: a record
 * start (\x1e and the commit id), the other header fields, then per change a
 * `:<modes> <blobs> <status>` header followed by one path (two for renames and copies). Fields
 * are taken by position, so a message cannot pass for a record start.
 */
class LogParser {
  private fields: string[] | undefined;
  private change: (Omit<RawChange, 'path'> & { paths: string[]; want: number }) | undefined;

  constructor(private readonly visitor: LogVisitor) {}

  token(token: string): void {
    if (this.fields) {
      this.fields.push(token);
      if (this.fields.length === FIELDS) this.emitCommit(this.fields);
      return;
    }
    if (this.change) {
      this.change.paths.push(token);
      if (this.change.paths.length === this.change.want) this.emitChange(this.change);
      return;
    }
    const trimmed = token.trim();
    const start = RECORD_START.exec(trimmed);
    if (start) this.fields = [start[1] as string];
    else if (trimmed.startsWith(':')) this.change = parseRawHeader(trimmed);
  }

  private emitCommit(fields: string[]): void {
    this.fields = undefined;
    const [commit, parents, name, email, committer, at, subject, body] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    this.visitor.commit({
      commit,
      parents: parents.split(' ').filter(Boolean),
      author: { name, email },
      committer: { email: committer },
      at,
      subject,
      body: body.trim(),
    });
  }

  private emitChange(pending: NonNullable<LogParser['change']>): void {
    this.change = undefined;
    const { paths, want: _want, ...change } = pending;
    if (paths.length === 2) this.visitor.change({ ...change, from: paths[0] as string, path: paths[1] as string });
    else this.visitor.change({ ...change, path: paths[0] as string });
  }
}

/** A raw change header; n parents give n+1 modes, n+1 blob ids, then the status (a letter per parent). */
function parseRawHeader(header: string): Omit<RawChange, 'path'> & { paths: string[]; want: number } {
  const parents = header.match(/^:+/)?.[0].length ?? 1;
  const parts = header.slice(parents).split(' ');
  const status = parts[2 * parents + 2] ?? '';
  const letter = parents > 1 ? foldMergeStatus(status) : status.charAt(0);
  return {
    status: letter,
    oldMode: parts[0] ?? '',
    newMode: parts[parents] ?? '',
    oldBlob: parts[parents + 1] ?? '',
    newBlob: parts[2 * parents + 1] ?? '',
    paths: [],
    want: (letter === 'R' || letter === 'C') && parents === 1 ? 2 : 1,
  };
}

/** A merge's combined status has one letter per parent ("AA", "MM", "DD", "AM"). */
function foldMergeStatus(letters: string): string {
  if ([...letters].every((l) => l === 'D')) return 'D';
  return letters.includes('A') ? 'A' : 'M';
}
