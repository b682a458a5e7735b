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
// full hash and a NUL starts a record (a message may contain \x1e, never that sequence).
const FORMAT = '--format=%x1e%H%x00%P%x00%an%x00%ae%x00%ce%x00%aI%x00%s%x00%b%x00';
const RECORD_START = /\x1e(?=[0-9a-f]{40,64}\x00)/;
const FIELDS = 8;

/**
 * The one `git log` reader: commits with their identities, messages and `--raw` file changes (blob
 * ids and modes), in one process for a whole history. `-z` keeps odd file names intact, and
 * log.showSignature is forced off (it would print signature text into the output).
 */
export async function readLog(root: string, options: LogOptions = {}): Promise<LogRecord[]> {
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
  const result = await spawnGit(root, args);
  if (result.code !== 0) throw gitFailure(args, result);
  return parseLog(result.stdout.toString('utf8'));
}

/** Parses the output of {@link readLog}. */
export function parseLog(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const chunk of text.split(RECORD_START)) {
    const fields = chunk.split('\0');
    if (fields.length < FIELDS) continue;
    const [commit, parents, name, email, committer, at, subject, body] = fields as string[] as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    records.push({
      commit,
      parents: parents.split(' ').filter(Boolean),
      author: { name, email },
      committer: { email: committer },
      at,
      subject,
      body: body.trim(),
      changes: parseRawChanges(fields.slice(FIELDS)),
    });
  }
  return records;
}

/** `:<modes> <blobs> <status>` headers, each followed by one path (two for renames and copies). */
function parseRawChanges(tokens: readonly string[]): RawChange[] {
  const changes: RawChange[] = [];
  for (let i = 0; i < tokens.length; ) {
    const header = (tokens[i++] ?? '').trim();
    if (!header.startsWith(':')) continue;
    const parents = header.match(/^:+/)?.[0].length ?? 1;
    const parts = header.slice(parents).split(' ');
    // n parents: n+1 modes, n+1 blob ids, then the status (one letter per parent for a merge).
    const oldMode = parts[0] ?? '';
    const newMode = parts[parents] ?? '';
    const oldBlob = parts[parents + 1] ?? '';
    const newBlob = parts[2 * parents + 1] ?? '';
    const status = parts[2 * parents + 2] ?? '';
    const letter = parents > 1 ? foldMergeStatus(status) : status.charAt(0);
    if ((letter === 'R' || letter === 'C') && parents === 1) {
      const from = tokens[i++] ?? '';
      const path = tokens[i++] ?? '';
      changes.push({ status: letter, from, path, oldBlob, newBlob, oldMode, newMode });
    } else changes.push({ status: letter, path: tokens[i++] ?? '', oldBlob, newBlob, oldMode, newMode });
  }
  return changes;
}

/** A merge's combined status has one letter per parent ("AA", "MM", "DD", "AM"). */
function foldMergeStatus(letters: string): string {
  if ([...letters].every((l) => l === 'D')) return 'D';
  return letters.includes('A') ? 'A' : 'M';
}
