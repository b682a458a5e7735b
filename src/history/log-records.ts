import { GitError } from '../errors.js';
import { gitDetail, spawnGit } from './spawn-git.js';

/** One file change of a commit, from `git log --raw`. Blob ids are all zeros for "none". */
export interface RawChange {
  /** A added, M modified, D deleted, R renamed (with `from`), T type change, C copied. */
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
  /** Author date, ISO 8601. */
  at: string;
  subject: string;
  body: string;
  changes: RawChange[];
}

export const ZERO_OID = '0000000000000000000000000000000000000000';

// NUL cannot occur in commit messages or identities, so it separates fields safely; \x1e
// followed by a full hash starts a record (a message may contain \x1e, never that pair).
const FORMAT = '--format=%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x00%b%x00';
const RECORD_START = /\x1e(?=[0-9a-f]{40}\x00)/;

/**
 * `git log` with `--raw` file changes, parsed: one process for a whole history. `args` are
 * the revision and path arguments (and options such as --follow); renames are detected.
 */
export async function readLogRecords(root: string, args: readonly string[]): Promise<LogRecord[]> {
  const result = await spawnGit(root, [
    '-c',
    'core.quotePath=false',
    'log',
    FORMAT,
    '--raw',
    '--no-abbrev',
    '-M',
    ...args,
  ]);
  if (result.code !== 0)
    throw new GitError(`git log failed: ${gitDetail(result)}`, undefined, undefined, { args: [...args] });
  return parseLogRecords(result.stdout.toString('utf8'));
}

export function parseLogRecords(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const chunk of text.split(RECORD_START)) {
    if (!chunk.trim()) continue;
    const fields = chunk.split('\x00');
    if (fields.length < 8) continue;
    const [commit, parents, name, email, at, subject, body] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const rest = fields.slice(7).join('\x00');
    records.push({
      commit,
      parents: parents.split(' ').filter(Boolean),
      author: { name, email },
      at,
      subject,
      body: body.trim(),
      changes: parseRawLines(rest),
    });
  }
  return records;
}

function parseRawLines(text: string): RawChange[] {
  const changes: RawChange[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(':')) continue;
    const tab = line.indexOf('\t');
    if (tab === -1) continue;
    const [oldMode, newMode, oldBlob, newBlob, status] = line.slice(1, tab).split(' ') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const paths = line
      .slice(tab + 1)
      .split('\t')
      .map(unquotePath);
    const letter = status.charAt(0);
    if ((letter === 'R' || letter === 'C') && paths.length === 2)
      changes.push({
        status: letter,
        from: paths[0] as string,
        path: paths[1] as string,
        oldBlob,
        newBlob,
        oldMode,
        newMode,
      });
    else changes.push({ status: letter, path: paths[0] as string, oldBlob, newBlob, oldMode, newMode });
  }
  return changes;
}

/** git C-quotes paths with control characters, quotes or backslashes ("a\tb"); undo it. */
export function unquotePath(p: string): string {
  if (!(p.startsWith('"') && p.endsWith('"'))) return p;
  const bytes: number[] = [];
  const inner = p.slice(1, -1);
  const escapes: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = inner[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(inner.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
