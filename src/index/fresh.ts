import fs from 'node:fs/promises';
import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { tryGit } from '../git/run.js';
import { walkFiles } from '../util/fs.js';
import { INDEX_SCHEMA_VERSION, type IndexState, readIndexState } from './state.js';

/** The folders whose content the index (rows and signals) is built from. */
const INDEXED = ['traces/', 'votes/', 'flags/'] as const;

/**
 * Fresh: built for this model and schema from HEAD, and every uncommitted change under traces/,
 * votes/ or flags/ is one the index already holds (the same paths, with the same content, as when
 * the last update began; usually none). One `git status` answers it (its porcelain v2 header names
 * HEAD's commit), plus a hash of each uncommitted file: a trace written but not yet contributed no
 * longer makes every search list and compare the whole store.
 *
 * The status is of the whole checkout, filtered here, and untracked folders are reported as
 * folders (git's default): a pathspec and `--untracked-files=all` each made git do more work than
 * the answer needs (100,000 traces: 0.18 s against 0.09 s); an untracked folder is then walked
 * here, usually a handful of files.
 */
export async function isIndexFresh(root: string, model: string): Promise<boolean> {
  const state = await readIndexState(root);
  if (!state || state.model !== model || state.schema_version !== INDEX_SCHEMA_VERSION) return false;
  return describesCheckout(state, await readDirtyState(root));
}

/** Whether an index state was built from this HEAD and these uncommitted files (see isIndexFresh). */
export function describesCheckout(state: IndexState, now: DirtyState | undefined): boolean {
  // "(initial)" before the first commit, which state.commit (null then) never equals.
  if (!now || now.head !== state.commit) return false;
  const before = state.dirty ?? {};
  const paths = Object.keys(now.dirty);
  return paths.length === Object.keys(before).length && paths.every((p) => before[p] === now.dirty[p]);
}

/** HEAD as `git status` names it, and the uncommitted indexed files with their blob ids. */
export interface DirtyState {
  head: string | undefined;
  dirty: Record<string, string>;
}

/**
 * HEAD's commit and the uncommitted files under traces/, votes/ and flags/ (those of an untracked
 * folder included) with the blob id of each one's content now ("" when it is gone, "link" for a
 * symbolic link).
 */
export async function readDirtyState(root: string): Promise<DirtyState | undefined> {
  const status = await tryGit(root, ['status', '--porcelain=v2', '--branch', '-z']);
  if (status === undefined) return undefined;
  const { head, paths } = parseStatus(status);
  const dirty: Record<string, string> = {};
  const files: string[] = [];
  for (const p of paths) {
    if (!INDEXED.some((dir) => p.startsWith(dir))) continue;
    // An untracked folder (a vote's new votes/<trace id>/) is named alone: each file below it counts.
    if (p.endsWith('/')) files.push(...(await walkFiles(path.join(root, p), { prefix: p })));
    else files.push(p);
  }
  for (const p of files) {
    // Never through a link (a `traces/x.md -> /dev/zero` must not be read); the index skips links too.
    const file = path.join(root, p);
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat) dirty[p] = '';
    else if (!stat.isFile()) dirty[p] = stat.isSymbolicLink() ? 'link' : 'other';
    else dirty[p] = gitBlobId(await fs.readFile(file));
  }
  return { head, dirty };
}

/**
 * HEAD's commit and every path named by `git status --porcelain=v2 -z` (both sides of a rename),
 * relative to the directory git ran in.
 */
export function parseStatus(output: string): { head: string | undefined; paths: string[] } {
  let head: string | undefined;
  const paths: string[] = [];
  const records = output.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as string;
    if (record.startsWith('# branch.oid ')) head = record.slice('# branch.oid '.length);
    if (record.startsWith('#') || record === '') continue;
    // Fields before the path: ordinary 8, renamed or copied 9 (then the source path is the
    // next record), unmerged 10, untracked and ignored 1.
    const kind = record[0];
    const before = kind === '1' ? 8 : kind === '2' ? 9 : kind === 'u' ? 10 : 1;
    paths.push(afterFields(record, before));
    if (kind === '2' && i + 1 < records.length) paths.push(records[++i] as string);
  }
  return { head, paths };
}

/** The rest of `record` after its first `count` space-separated fields (a path may hold spaces). */
function afterFields(record: string, count: number): string {
  let at = 0;
  for (let n = 0; n < count; n++) {
    const space = record.indexOf(' ', at);
    if (space < 0) return '';
    at = space + 1;
  }
  return record.slice(at);
}
