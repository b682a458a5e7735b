import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readPending } from '../forge/pending.js';
import { getBranchState } from '../git/repo.js';
import { isIndexFresh } from '../index/fresh.js';
import { modelFor } from '../index/model.js';
import { readShippedAttempt, ShippedAttemptSchema } from '../index/shipped.js';
import { type IndexSource, type IndexState, IndexStateSchema, indexDir, readIndexState } from '../index/state.js';
import { listTraceFiles } from '../store/load.js';
import type { Store } from '../store/store.js';
import { walkFiles } from '../util/fs.js';

export const StoreStatusSchema = z.object({
  name: z.string(),
  root: z.string(),
  source: z.enum(['flag', 'cwd', 'default', 'builtin']).describe('How the store was chosen.'),
  branch: z.string().nullable(),
  upstream: z.string().nullable(),
  ahead: z.number().int(),
  behind: z.number().int(),
  uncommitted: z.array(z.string()).describe('Paths with uncommitted changes.'),
  traces: z.number().int(),
  votes: z.number().int(),
  flags: z.number().int(),
  pending: z.array(z.string()).describe('Branches committed by ct but not yet published (`ct publish` retries them).'),
  index: z.object({
    state: z
      .enum(['missing', 'built', 'stale', 'unreadable', 'remote'])
      .describe('missing: never built; stale: HEAD moved or files changed since; remote: queried on object storage.'),
    detail: IndexStateSchema.optional(),
    source: z.string().optional().describe('Where the index came from, in a sentence.'),
    shipped: ShippedAttemptSchema.optional().describe("The last attempt to use the store's shipped index."),
  }),
});
export type StoreStatus = z.infer<typeof StoreStatusSchema>;

export async function getStoreStatus(store: Store): Promise<StoreStatus> {
  const [branch, traces, ballots] = await Promise.all([
    getBranchState(store.root),
    listTraceFiles(store.root),
    walkFiles(store.root),
  ]);
  const count = (dir: string) => ballots.filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.yml')).length;
  let index: StoreStatus['index'] = { state: 'missing' };
  const state = await readIndexState(store.root);
  const hasStateFile = await fs.access(path.join(indexDir(store.root), 'state.json')).then(
    () => true,
    () => false,
  );
  if (state) index = { state: (await isIndexFresh(store.root, modelFor(store))) ? 'built' : 'stale', detail: state };
  else if (hasStateFile) index = { state: 'unreadable' };
  const shipped = await readShippedAttempt(store.root);
  if (state) index.source = describeIndexSource(state.source, state.commit, state.adaptation);
  if (store.config.index.remote)
    index = { state: 'remote', source: `queried in place at ${store.config.index.remote} (ct.yml index.remote)` };
  if (shipped) index.shipped = shipped;
  return {
    name: store.name,
    root: store.root,
    source: store.source,
    branch: branch.branch ?? null,
    upstream: branch.upstream ?? null,
    ahead: branch.ahead,
    behind: branch.behind,
    uncommitted: branch.dirty,
    traces: traces.length,
    votes: count('votes'),
    flags: count('flags'),
    pending: (await readPending(store.root)).map((p) => p.branch),
    index,
  };
}

/** "shipped index of <commit> (signed by ...), updated locally to <commit>" or "built locally". */
export function describeIndexSource(
  source: IndexSource,
  commit: string | null,
  adaptation?: IndexState['adaptation'],
): string {
  if (source.type === 'local')
    return adaptation
      ? `built locally, its embedding adapted to the store (${adaptation.pairs} pairs of its traces)`
      : 'built locally';
  if (source.type === 'remote')
    return `queried in place at ${source.uri} (exported from ${source.store_commit?.slice(0, 12)})`;
  const shippedAt = source.store_commit?.slice(0, 12) ?? '?';
  const since = commit && commit !== source.store_commit ? `, updated locally to ${commit.slice(0, 12)}` : '';
  return `shipped index of ${shippedAt} from ${source.ref} (signed by ${source.signer})${since}`;
}
