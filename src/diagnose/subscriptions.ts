import { z } from 'zod';
import { tryGit } from '../git/run.js';
import { readIndexState } from '../index/state.js';
import { pinRoot } from '../store/pin.js';
import { readRegistry, subscriptions } from '../store/registry.js';
import { seedsStoreRoot } from '../store/seeds.js';
import { isDirectory } from '../util/fs.js';

export const SubscriptionSchema = z.object({
  name: z.string(),
  default: z.boolean().describe('Writes go here when no trace and no --store decide.'),
  builtin: z.boolean().describe('The built-in seeds store.'),
  path: z.string(),
  url: z.string().nullable().describe('The remote it was cloned from, when added by URL.'),
  commit: z.string().nullable().describe('The commit it answers from: its pin, else its HEAD.'),
  pinned: z.boolean(),
  weight: z.number(),
  traces: z.number().int().nullable().describe('Traces in its index; null when it has no index yet.'),
  index: z.enum(['local', 'none']).describe('Where its index comes from: built here, or none yet.'),
  last_sync: z.string().nullable(),
  problem: z.string().nullable().describe('Why it cannot be searched now (skipped by reads), if so.'),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** Every subscribed store as `ct store list` shows it. */
export async function listSubscriptions(): Promise<Subscription[]> {
  const registry = await readRegistry();
  return Promise.all(
    subscriptions(registry, seedsStoreRoot()).map(async (entry): Promise<Subscription> => {
      const root = entry.pin ? pinRoot(entry.name) : entry.path;
      const exists = await isDirectory(root);
      const head = exists ? ((await tryGit(root, ['rev-parse', 'HEAD']).catch(() => undefined)) ?? '').trim() : '';
      const state = exists ? await readIndexState(root) : undefined;
      const problem = exists
        ? null
        : entry.builtin
          ? null
          : `${root} does not exist: re-add it, or \`ct store remove ${entry.name}\``;
      return {
        name: entry.name,
        default: registry.default === entry.name,
        builtin: entry.builtin === true,
        path: entry.path,
        url: entry.url ?? null,
        commit: entry.pin ?? (head || null),
        pinned: entry.pin !== undefined,
        weight: entry.weight,
        traces: state?.traces ?? null,
        index: state ? 'local' : 'none',
        last_sync: entry.last_sync ?? null,
        problem: entry.builtin && !exists ? null : problem,
      };
    }),
  );
}
