import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../src/staleness/cache.js';
import { resolvePackage } from '../../src/staleness/ecosystem.js';
import { judgeRegistry } from '../../src/staleness/judge.js';

const answer = (latest: string): CacheEntry => ({ status: 'ok', latest, checked_at: '2026-12-01T00:00:00Z' });
const judge = (appliesTo: Record<string, string>, latest: string, tags: string[] = []) =>
  judgeRegistry(appliesTo, tags, () => answer(latest));

describe('registry staleness', () => {
  it('is stale only when the range leaves out the latest major (the minor for 0.x)', () => {
    expect(judge({ next: '^13.4' }, '15.2.0').stale).toHaveLength(1);
    expect(judge({ next: '>=13 <15' }, '15.0.0').stale).toHaveLength(1);
    expect(judge({ next: '>=13' }, '15.2.0').stale).toHaveLength(0);
    expect(judge({ next: '15.x' }, '15.2.0').stale).toHaveLength(0);
    expect(judge({ next: '*' }, '15.2.0').stale).toHaveLength(0);
    expect(judge({ fastapi: '^0.100' }, '0.115.4', ['python']).stale).toHaveLength(1);
    expect(judge({ fastapi: '>=0.100' }, '0.115.4', ['python']).stale).toHaveLength(0);
    // A pre-release "latest" still has a major.
    expect(judge({ vite: '^5' }, '7.0.0-beta.1').stale).toHaveLength(1);
  });

  it('never calls a missing answer, an unknown package or a bad range stale', () => {
    expect(judgeRegistry({ next: '^13' }, [], () => undefined).notChecked[0]?.reason).toBe('not checked yet');
    expect(judgeRegistry({ next: '^13' }, [], () => ({ missing: 'offline' })).notChecked[0]?.reason).toBe('offline');
    const gone = judgeRegistry({ next: '^13' }, [], () => ({ status: 'not-found', latest: null, checked_at: '' }));
    expect(gone.stale).toEqual([]);
    expect(judge({ next: 'latest-ish' }, '15.0.0').notChecked[0]?.reason).toBe('not a semver range');
    // npm's "alembic" is an unrelated 0.0.3: a registry below the whole range is not a verdict.
    const squat = judge({ alembic: '>=1.8' }, '0.0.3');
    expect(squat.stale).toEqual([]);
    expect(squat.notChecked[0]?.reason).toMatch(/older than the range/);
  });

  it('resolves keys to registries: prefix, Go module path, the trace language, npm by default; tools are skipped', () => {
    expect(resolvePackage('pypi:requests', ['javascript'])).toEqual({ ecosystem: 'pypi', name: 'requests' });
    expect(resolvePackage('github.com/gin-gonic/gin', [])).toEqual({
      ecosystem: 'go',
      name: 'github.com/gin-gonic/gin',
    });
    expect(resolvePackage('pydantic', ['python', 'pydantic'])).toEqual({ ecosystem: 'pypi', name: 'pydantic' });
    expect(resolvePackage('tokio', ['rust'])).toEqual({ ecosystem: 'crates', name: 'tokio' });
    expect(resolvePackage('vite', ['frontend'])).toEqual({ ecosystem: 'npm', name: 'vite' });
    expect(resolvePackage('postgres', [])).toEqual({ skip: expect.stringContaining('tool or runtime') });
    expect(resolvePackage('nextjs', ['stripe'])).toEqual({ ecosystem: 'npm', name: 'next' });
    expect(resolvePackage('actions/setup-node', [])).toEqual({ skip: expect.stringContaining('GitHub Action') });
    expect(resolvePackage('@acme/widgets', [])).toEqual({ ecosystem: 'npm', name: '@acme/widgets' });
    expect(resolvePackage('pytest-asyncio', ['python', 'vitest', 'node'])).toEqual({
      skip: expect.stringContaining('npm:<name> or pypi:<name>'),
    });
  });
});
