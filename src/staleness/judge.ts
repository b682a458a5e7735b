import semver from 'semver';
import { type CacheEntry, cacheKey, type RegistryCache } from './cache.js';
import { type Ecosystem, type PackageRef, resolvePackage } from './ecosystem.js';

/** An applies_to range that leaves out the registry's current major version. */
export interface RegistryStale {
  key: string;
  ecosystem: Ecosystem;
  package: string;
  range: string;
  latest: string;
  checked_at: string;
}

export interface NotChecked {
  key: string;
  range: string;
  ecosystem?: Ecosystem;
  reason: string;
}

export interface RegistryVerdict {
  stale: RegistryStale[];
  notChecked: NotChecked[];
  /** Every package the trace names, for fetching before judging. */
  packages: PackageRef[];
}

/**
 * Judges a trace's applies_to against the registry answers in `cache` (no network here): a range
 * is stale when it does not meet the latest release's major version (for 0.x, its minor: semver
 * treats 0.y as the breaking part). A missing answer is "not checked", never stale.
 */
export function judgeRegistry(
  appliesTo: Record<string, string>,
  tags: readonly string[],
  lookup: (ref: PackageRef) => CacheEntry | { missing: string } | undefined,
): RegistryVerdict {
  const context = [...tags, ...Object.keys(appliesTo)];
  const verdict: RegistryVerdict = { stale: [], notChecked: [], packages: [] };
  for (const [key, range] of Object.entries(appliesTo)) {
    const ref = resolvePackage(key, context);
    if ('skip' in ref) {
      verdict.notChecked.push({ key, range, reason: ref.skip });
      continue;
    }
    if (!semver.validRange(range)) {
      verdict.notChecked.push({ key, range, ecosystem: ref.ecosystem, reason: 'not a semver range' });
      continue;
    }
    verdict.packages.push(ref);
    const answer = lookup(ref);
    if (!answer || 'missing' in answer) {
      verdict.notChecked.push({ key, range, ecosystem: ref.ecosystem, reason: answer?.missing ?? 'not checked yet' });
      continue;
    }
    if (answer.status === 'not-found' || !answer.latest) {
      verdict.notChecked.push({
        key,
        range,
        ecosystem: ref.ecosystem,
        reason: `no package ${ref.name} on ${ref.ecosystem}`,
      });
      continue;
    }
    const latest = semver.coerce(answer.latest);
    if (!latest) {
      verdict.notChecked.push({
        key,
        range,
        ecosystem: ref.ecosystem,
        reason: `latest version ${answer.latest} is not semver`,
      });
      continue;
    }
    const window =
      latest.major > 0
        ? `>=${latest.major}.0.0 <${latest.major + 1}.0.0-0`
        : `>=0.${latest.minor}.0 <0.${latest.minor + 1}.0-0`;
    if (semver.intersects(range, window)) continue;
    // A registry whose latest release is below the whole range has never had the versions the
    // trace was verified with: most likely an unrelated package of the same name (npm's alembic).
    if (!semver.gtr(latest.version, range)) {
      verdict.notChecked.push({
        key,
        range,
        ecosystem: ref.ecosystem,
        reason: `the ${ref.ecosystem} package of that name is older than the range (another package?): prefix the key, e.g. pypi:<name>`,
      });
      continue;
    }
    verdict.stale.push({
      key,
      ecosystem: ref.ecosystem,
      package: ref.name,
      range,
      latest: answer.latest,
      checked_at: answer.checked_at,
    });
  }
  return verdict;
}

/** `judgeRegistry` against the cache alone: what search uses. */
export function judgeFromCache(
  appliesTo: Record<string, string>,
  tags: readonly string[],
  cache: RegistryCache,
): RegistryVerdict {
  return judgeRegistry(appliesTo, tags, (ref) => cache.get(cacheKey(ref)));
}

export function describeStale(s: RegistryStale): string {
  return `${s.key} ${s.range} leaves out the current major: ${s.ecosystem} latest is ${s.latest} (checked ${s.checked_at.slice(0, 10)})`;
}
