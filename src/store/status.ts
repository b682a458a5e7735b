import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { getBranchState, openGit } from '../git/repo.js';
import { walkFiles } from '../util/fs.js';
import { listTraceFiles } from './load.js';
import type { Store } from './store.js';

export const INDEX_DIR = '.ct/index';
export const INDEX_STATE_FILE = '.ct/index/state.json';

export const IndexStateSchema = z.object({
  commit: z.string().optional().describe('The commit the index was last built from.'),
  model: z.string().optional().describe('The embedding model id.'),
  schema_version: z.number().int().optional(),
  traces: z.number().int().optional(),
  built_at: z.string().optional(),
});

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
  index: z.object({
    state: z.enum(['missing', 'built', 'stale', 'unreadable']).describe('missing: never built; stale: HEAD moved or files changed since.'),
    detail: IndexStateSchema.optional(),
  }),
});
export type StoreStatus = z.infer<typeof StoreStatusSchema>;

export async function getStoreStatus(store: Store): Promise<StoreStatus> {
  const [branch, traces, ballots] = await Promise.all([getBranchState(store.root), listTraceFiles(store.root), walkFiles(store.root)]);
  const count = (dir: string) => ballots.filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.yml')).length;
  let index: StoreStatus['index'] = { state: 'missing' };
  const stateText = await fs.readFile(path.join(store.root, INDEX_STATE_FILE), 'utf8').catch(() => undefined);
  if (stateText !== undefined) {
    const parsed = IndexStateSchema.safeParse(safeJson(stateText));
    if (!parsed.success) index = { state: 'unreadable' };
    else {
      const head = branch.empty ? undefined : await headCommit(store.root);
      const stale = parsed.data.commit !== head || branch.dirty.some((f) => f.startsWith('traces/'));
      index = { state: stale ? 'stale' : 'built', detail: parsed.data };
    }
  }
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
    index,
  };
}

async function headCommit(root: string): Promise<string | undefined> {
  return (await openGit(root).revparse(['HEAD']).catch(() => '')).trim() || undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
