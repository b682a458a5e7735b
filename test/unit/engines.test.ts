import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

describe('engines', () => {
  it('every installed runtime dependency runs on the oldest Node that package.json allows', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
    const oldest = semver.minVersion(pkg.engines.node)?.version ?? '';
    const refused = Object.entries(lock.packages)
      .filter(([name, entry]) => name && !entry.dev)
      .map(([name, entry]) => ({ name, version: entry.version, node: (entry.engines as { node?: string })?.node }))
      .filter((p) => p.node && !semver.satisfies(oldest, p.node))
      .map((p) => `${p.name}@${p.version} wants node ${p.node}`);
    expect(refused, `on Node ${oldest}`).toEqual([]);
  });
});
