import { addPending, removePending } from '../forge/pending.js';
import { isPublished, type PublishResult, publishBranch } from '../forge/publish.js';
import { isBuiltinStore } from '../store/seeds.js';
import type { Store } from '../store/store.js';

/**
 * Records the branch as pending before any network step, publishes, and clears the record once
 * nothing is left to do (see isPublished): whatever fails, `ct publish` knows what is left.
 */
export async function publishAndRecord(
  store: Store,
  request: { branch: string; title: string; body: string; kind: string; direct?: boolean; replace?: boolean },
): Promise<PublishResult> {
  // The built-in store has nowhere to publish to: nothing to queue for `ct publish` (or warn about).
  if (isBuiltinStore(store))
    return {
      status: 'local',
      forge: null,
      branch: request.branch,
      message: `committed on local branch ${request.branch} of the built-in seeds store, which is never published`,
      hint: 'to share it, subscribe to a community store (`ct store add <url>`) and write there with --store <name>',
    };
  await addPending(store.root, { ...request, created: new Date().toISOString() });
  const result = await publishBranch(store, request);
  if (isPublished(result)) await removePending(store.root, request.branch);
  return result;
}
