import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { getDataDir } from '../paths.js';
import { writeFileAtomic } from '../util/fs.js';
import type { PackageRef } from './ecosystem.js';

const EntrySchema = z.object({
  status: z.enum(['ok', 'not-found']),
  latest: z.string().nullable(),
  checked_at: z.string(),
});
export type CacheEntry = z.infer<typeof EntrySchema>;

const CacheSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), EntrySchema) });

/** Registry answers by `<ecosystem>:<name>`: read by search (never the network), refreshed by `ct stale`. */
export type RegistryCache = Map<string, CacheEntry>;

export const DEFAULT_TTL_HOURS = 24;

export const cacheKey = (ref: PackageRef) => `${ref.ecosystem}:${ref.name}`;

export function registryCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(getDataDir(env), 'cache', 'registry-versions.json');
}

/** The cache, or an empty one when the file is missing or unreadable (it is only a cache). */
export async function loadRegistryCache(env: NodeJS.ProcessEnv = process.env): Promise<RegistryCache> {
  const text = await fs.readFile(registryCacheFile(env), 'utf8').catch(() => undefined);
  if (text === undefined) return new Map();
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(text));
    return parsed.success ? new Map(Object.entries(parsed.data.entries)) : new Map();
  } catch {
    return new Map();
  }
}

/**
 * Writes new answers over what the file holds now (another `ct stale` may have written since
 * this one read it), atomically.
 */
export async function saveRegistryCache(
  updates: ReadonlyMap<string, CacheEntry>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (updates.size === 0) return;
  const current = await loadRegistryCache(env);
  for (const [key, entry] of updates) current.set(key, entry);
  const entries = Object.fromEntries([...current].sort(([a], [b]) => a.localeCompare(b)));
  await writeFileAtomic(registryCacheFile(env), `${JSON.stringify({ version: 1, entries }, null, 1)}\n`);
}

/** The TTL from CT_REGISTRY_TTL_HOURS, else 24 hours. */
export function ttlHours(env: NodeJS.ProcessEnv = process.env): number {
  const hours = Number(env.CT_REGISTRY_TTL_HOURS);
  return Number.isFinite(hours) && hours >= 0 && env.CT_REGISTRY_TTL_HOURS !== '' ? hours : DEFAULT_TTL_HOURS;
}

export function isFresh(entry: CacheEntry, hours: number, now = Date.now()): boolean {
  return now - Date.parse(entry.checked_at) < hours * 3_600_000;
}
