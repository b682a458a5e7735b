import { addPending, removePending } from '../forge/pending.js';
import { isPublished, type PublishResult, publishBranch } from '../forge/publish.js';
import type { Store } from '../store/store.js';

/**
 * Records the branch as pending before any network step, publishes, and clears the record once
 * nothing is left to do (see isPublished): whatever fails, `ct publish` knows what is left.
 */
export async function publishAndRecord(
  store: Store,
  request: { branch: string; title: string; body: string; kind: string; direct?: boolean; replace?: boolean },
): Promise<PublishResult> {
  await addPending(store.root, { ...request, created: new Date().toISOString() });
  const result = await publishBranch(store, request);
  if (isPublished(result)) await removePending(store.root, request.branch);
  return result;
}
