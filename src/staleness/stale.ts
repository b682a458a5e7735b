import { z } from 'zod';
import { loadTraces } from '../store/load.js';
import type { Store } from '../store/store.js';
import { mapLimit } from '../util/map-limit.js';
import {
  type CacheEntry,
  cacheKey,
  isFresh,
  loadRegistryCache,
  type RegistryCache,
  saveRegistryCache,
  ttlHours,
} from './cache.js';
import { ECOSYSTEMS, type PackageRef } from './ecosystem.js';
import { describeStale, judgeRegistry } from './judge.js';
import { fetchLatest } from './registry.js';

const ReasonSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('registry'),
    key: z.string().describe('The applies_to key.'),
    ecosystem: z.enum(ECOSYSTEMS),
    package: z.string(),
    range: z.string().describe('The applies_to range, which leaves out the latest major version.'),
    latest: z.string().describe("The registry's latest version."),
    checked_at: z.string().describe('When the registry said so (ISO 8601; from the cache when recent).'),
    summary: z.string(),
  }),
  z.object({
    kind: z.literal('review-due'),
    review_after: z.string(),
    summary: z.string(),
  }),
]);

/** `ct stale --json`. */
export const StaleReportSchema = z.object({
  store: z.string(),
  today: z.string().describe('The date review_after was compared with.'),
  traces: z.number().int().describe('Traces read.'),
  stale: z
    .array(
      z.object({
        id: z.string(),
        title: z.string(),
        path: z.string(),
        reasons: z.array(ReasonSchema),
      }),
    )
    .describe('Traces that need review, with why.'),
  not_checked: z
    .array(
      z.object({
        id: z.string(),
        key: z.string(),
        range: z.string(),
        ecosystem: z.enum(ECOSYSTEMS).optional(),
        reason: z.string(),
      }),
    )
    .describe('applies_to entries that could not be judged: tools and runtimes, unreachable registries...'),
  lookups: z
    .object({
      fetched: z.number().int().describe('Packages asked of a registry now.'),
      cached: z.number().int().describe('Packages answered from the cache (younger than the TTL).'),
      failed: z.number().int().describe('Packages whose registry could not be reached or read.'),
    })
    .describe('Registry lookups, cached in the data dir.'),
});
export type StaleReport = z.infer<typeof StaleReportSchema>;

export interface StaleOptions {
  /** Use the cache only: no network. */
  offline?: boolean;
  /** Ignore the TTL: ask the registries again. */
  refresh?: boolean;
  env?: NodeJS.ProcessEnv;
  today?: string;
  timeoutMs?: number;
}

/**
 * The traces of a store that need review: applies_to ranges that leave out a package's current
 * major version on its registry (npm, PyPI, crates.io, the Go proxy), and review_after dates that
 * have passed. Registry answers are cached in the data dir for CT_REGISTRY_TTL_HOURS (24); a
 * registry that cannot be reached makes its packages "not checked" (or uses an older cached
 * answer), never a failure.
 */
export async function findStaleTraces(store: Store, options: StaleOptions = {}): Promise<StaleReport> {
  const env = options.env ?? process.env;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const { traces } = await loadTraces(store.root);
  const cache = await loadRegistryCache(env);
  const wanted = new Map<string, PackageRef>();
  for (const trace of traces)
    for (const ref of judgeRegistry(trace.applies_to ?? {}, trace.tags, () => undefined).packages)
      wanted.set(cacheKey(ref), ref);

  const hours = ttlHours(env);
  const failures = new Map<string, string>();
  const updates = new Map<string, CacheEntry>();
  let cached = 0;
  const toFetch = [...wanted].filter(([key]) => {
    const entry = cache.get(key);
    const fresh = entry !== undefined && !options.refresh && isFresh(entry, hours);
    if (fresh) cached++;
    return !fresh;
  });
  if (!options.offline)
    await mapLimit(toFetch, 8, async ([key, ref]) => {
      try {
        const answer = await fetchLatest(ref, { env, timeoutMs: options.timeoutMs });
        updates.set(key, {
          status: answer.status,
          latest: answer.status === 'ok' ? answer.latest : null,
          checked_at: new Date().toISOString(),
        });
      } catch (e) {
        failures.set(key, `registry not reachable: ${errorText(e)}`);
      }
    });
  else for (const [key] of toFetch) if (!cache.has(key)) failures.set(key, 'offline: no cached answer');
  await saveRegistryCache(updates, env).catch(() => {});
  const answers: RegistryCache = new Map([...cache, ...updates]);

  const report: StaleReport = {
    store: store.name,
    today,
    traces: traces.length,
    stale: [],
    not_checked: [],
    lookups: { fetched: updates.size, cached, failed: failures.size },
  };
  for (const trace of traces) {
    // An older cached answer beats none when the registry is unreachable now.
    const verdict = judgeRegistry(trace.applies_to ?? {}, trace.tags, (ref) => {
      const key = cacheKey(ref);
      const failure = failures.get(key);
      return answers.get(key) ?? (failure ? { missing: failure } : undefined);
    });
    const reasons: StaleReport['stale'][number]['reasons'] = verdict.stale.map((s) => ({
      kind: 'registry',
      ...s,
      summary: describeStale(s),
    }));
    if (trace.review_after && trace.review_after < today)
      reasons.push({
        kind: 'review-due',
        review_after: trace.review_after,
        summary: `review_after ${trace.review_after} has passed`,
      });
    if (reasons.length) report.stale.push({ id: trace.id, title: trace.title, path: trace.path, reasons });
    for (const n of verdict.notChecked) report.not_checked.push({ id: trace.id, ...n });
  }
  report.stale.sort((a, b) => a.path.localeCompare(b.path));
  return report;
}

function errorText(e: unknown): string {
  const error = e as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'timed out';
  return error.cause?.code ?? error.cause?.message ?? error.message;
}
