import { headCommit } from '../git/repo.js';
import { tryGit } from '../git/run.js';
import { INDEX_SCHEMA_VERSION, readIndexState } from './state.js';

/** Fresh: built for this model and schema from HEAD, with no uncommitted change under traces/. */
export async function isIndexFresh(root: string, model: string): Promise<boolean> {
  const state = await readIndexState(root);
  if (!state || state.model !== model || state.schema_version !== INDEX_SCHEMA_VERSION) return false;
  const [head, dirty] = await Promise.all([
    headCommit(root),
    tryGit(root, ['status', '--porcelain', '--untracked-files=all', '--', 'traces/', 'votes/', 'flags/']),
  ]);
  return head === state.commit && dirty !== undefined && dirty.trim() === '';
}
