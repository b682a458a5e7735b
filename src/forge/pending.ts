import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { localPath, refuseLocalSymlinks } from '../store/local.js';
import { writeFileAtomic } from '../util/fs.js';

const PendingSchema = z.array(
  z.object({
    branch: z.string(),
    title: z.string(),
    body: z.string(),
    direct: z.boolean().optional(),
    replace: z.boolean().optional(),
    kind: z.string(),
    created: z.string(),
  }),
);
export type Pending = z.infer<typeof PendingSchema>[number];

const file = (root: string) => localPath(root, 'pending.json');

/**
 * Publications that have not reached the remote yet (no remote, no network, no credentials):
 * the commits are safe on their local branches; `ct publish` and `ct sync` retry these.
 */
export async function readPending(root: string): Promise<Pending[]> {
  const text = await fs.readFile(file(root), 'utf8').catch(() => '[]');
  try {
    const parsed = PendingSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export async function addPending(root: string, entry: Pending): Promise<void> {
  await withPendingLock(root, async () => {
    const all = (await readPending(root)).filter((p) => p.branch !== entry.branch);
    await writeFileAtomic(file(root), `${JSON.stringify([...all, entry], null, 2)}\n`);
  });
}

export async function removePending(root: string, branch: string): Promise<void> {
  await withPendingLock(root, async () => {
    const all = await readPending(root);
    if (all.some((p) => p.branch === branch))
      await writeFileAtomic(
        file(root),
        `${JSON.stringify(
          all.filter((p) => p.branch !== branch),
          null,
          2,
        )}\n`,
      );
  });
}

/**
 * Two `ct` processes (two contributions at once) each read, change and write the whole list:
 * without a lock the later write drops the other's entry, and its branch is never retried.
 */
async function withPendingLock(root: string, work: () => Promise<void>): Promise<void> {
  await refuseLocalSymlinks(root, 'pending.json');
  await fs.mkdir(path.dirname(file(root)), { recursive: true });
  const release = await lockfile.lock(file(root), {
    realpath: false,
    lockfilePath: `${file(root)}.lock`,
    stale: 10_000,
    retries: { retries: 100, minTimeout: 5, maxTimeout: 100 },
  });
  try {
    await work();
  } finally {
    await release();
  }
}
