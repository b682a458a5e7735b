import { tryGit } from '../git/run.js';
import { INDEX_SCHEMA_VERSION, readIndexState } from './state.js';

/**
 * Fresh: built for this model and schema from HEAD, with no uncommitted change under traces/,
 * votes/ or flags/. One `git status` answers both (its porcelain v2 header names HEAD's commit),
 * instead of a `git rev-parse HEAD` beside it: one process fewer on every search.
 */
export async function isIndexFresh(root: string, model: string): Promise<boolean> {
  const state = await readIndexState(root);
  if (!state || state.model !== model || state.schema_version !== INDEX_SCHEMA_VERSION) return false;
  const status = await tryGit(root, [
    'status',
    '--porcelain=v2',
    '--branch',
    '--untracked-files=all',
    '--',
    'traces/',
    'votes/',
    'flags/',
  ]);
  if (status === undefined) return false;
  const lines = status.split('\n').filter(Boolean);
  const head = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
  // "(initial)" before the first commit, which state.commit (null then) never equals.
  return head === state.commit && lines.every((l) => l.startsWith('#'));
}
