import { addPending, removePending } from '../forge/pending.js';
import { type PublishResult, publishBranch } from '../forge/publish.js';
import type { Store } from '../store/store.js';

/**
 * Records the branch as pending before any network step, publishes, and clears the record once
 * the branch reached the remote: whatever fails, `ct publish` knows what is left to do.
 */
export async function publishAndRecord(store: Store, request: { branch: string; title: string; body: string; kind: string; direct?: boolean }): Promise<PublishResult> {
  await addPending(store.root, { ...request, created: new Date().toISOString() });
  const result = await publishBranch(store, request);
  if (result.status !== 'local') await removePending(store.root, request.branch);
  return result;
}
