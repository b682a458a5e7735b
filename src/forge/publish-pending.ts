import { runGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { readPending, removePending } from './pending.js';
import { isPublished, type PublishResult, publishBranch } from './publish.js';

/** Retries every pending publication of a store; branches deleted meanwhile are forgotten. */
export async function publishPending(store: Store): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const entry of await readPending(store.root)) {
    const exists = await runGit(store.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${entry.branch}`]).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await removePending(store.root, entry.branch);
      continue;
    }
    const result = await publishBranch(store, entry);
    if (isPublished(result)) await removePending(store.root, entry.branch);
    results.push(result);
  }
  return results;
}
