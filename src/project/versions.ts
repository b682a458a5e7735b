import fs from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';

/** Versions of what a project uses, by lower-cased name: npm packages, plus `node`. */
export type ProjectVersions = Map<string, string>;

/**
 * What the project in `dir` (or the nearest folder above with a package.json) uses, for judging
 * whether a trace's `applies_to` still fits: exact versions from package-lock.json where it
 * exists, else the minimum version of each range in package.json; plus the running Node.js.
 */
export async function detectProjectVersions(dir: string): Promise<ProjectVersions> {
  const versions: ProjectVersions = new Map([['node', process.versions.node]]);
  let current = path.resolve(dir);
  for (let i = 0; i < 6; i++) {
    const pkgText = await fs.readFile(path.join(current, 'package.json'), 'utf8').catch(() => undefined);
    if (pkgText !== undefined) {
      const pkg = safeJson(pkgText) as
        | { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
        | undefined;
      const lock = safeJson(await fs.readFile(path.join(current, 'package-lock.json'), 'utf8').catch(() => '')) as
        | { packages?: Record<string, { version?: string }> }
        | undefined;
      for (const [name, range] of Object.entries({ ...pkg?.devDependencies, ...pkg?.dependencies })) {
        const locked = lock?.packages?.[`node_modules/${name}`]?.version;
        const version = locked ?? semver.minVersion(range)?.version;
        if (version) versions.set(name.toLowerCase(), version);
      }
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return versions;
}

/** Names a trace may use in applies_to for the same thing a project reports. */
const ALIASES: Record<string, string> = {
  nextjs: 'next',
  'next.js': 'next',
  nodejs: 'node',
  'node.js': 'node',
  reactjs: 'react',
  ts: 'typescript',
};

export interface Freshness {
  /** applies_to entries the project satisfies. */
  matches: string[];
  /** applies_to entries the project's versions fall outside of. */
  mismatches: string[];
  /** review_after lies in the past. */
  reviewDue: boolean;
}

export function judgeFreshness(
  appliesTo: Record<string, string>,
  reviewAfter: string | undefined,
  project: ProjectVersions,
  today = new Date().toISOString().slice(0, 10),
): Freshness {
  const matches: string[] = [];
  const mismatches: string[] = [];
  for (const [rawName, range] of Object.entries(appliesTo)) {
    // `npm:next` names the registry for `ct stale`; the project knows the package as `next`.
    const bare = rawName.toLowerCase().replace(/^(npm|pypi|crates|go):/, '');
    const name = ALIASES[bare] ?? bare;
    const version = project.get(name);
    if (!version || !semver.validRange(range)) continue;
    (semver.satisfies(version, range, { includePrerelease: true }) ? matches : mismatches).push(
      `${rawName} ${range} (project: ${version})`,
    );
  }
  return { matches, mismatches, reviewDue: reviewAfter !== undefined && reviewAfter < today };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
