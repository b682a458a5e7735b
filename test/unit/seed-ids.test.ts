import path from 'node:path';
import { isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { assignSeedIds, readSeedIds, SEED_ID_PREFIX, type SeedId } from '../../bin/build/seed-ids.js';

const prefixes = (ids: string[]) => new Set(ids.map((id) => id.slice(0, SEED_ID_PREFIX)));
const apply = (seeds: SeedId[], changes: Map<string, string>) =>
  seeds.map((s) => ({ file: s.file, id: changes.get(s.file) ?? s.id }));

describe('seed ids', () => {
  it('the committed seeds are unique in their first 6 characters (npm run build:seed-ids changes nothing)', async () => {
    const seeds = await readSeedIds(path.resolve('seeds/traces'));
    expect(seeds.length).toBeGreaterThan(200);
    expect(seeds.every((s) => isValid(s.id))).toBe(true);
    expect(prefixes(seeds.map((s) => s.id)).size).toBe(seeds.length);
    expect(assignSeedIds(seeds)).toEqual(new Map());
  });

  it('renumbers colliding ids deterministically, keeping the oldest of each prefix', () => {
    const seeds: SeedId[] = [
      { file: 'b/two.md', id: '01M809CY0X2Q8A9VJAHEE5BV2B' },
      { file: 'a/one.md', id: '01M809CY0X94BASXFGE3Y3S7N5' },
      { file: 'c/three.md', id: '01M809CY0XGZ6RE3YYP0HREE3P' },
      { file: 'd/unique.md', id: '01JDQ5Z8X4N2K7M3P9R6T1V0WB' },
      { file: 'e/not-a-ulid.md', id: 'nope' },
    ];
    const changes = assignSeedIds(seeds);
    expect([...changes.keys()].sort()).toEqual(['a/one.md', 'c/three.md', 'e/not-a-ulid.md']);
    const after = apply(seeds, changes);
    expect(after.every((s) => isValid(s.id))).toBe(true);
    expect(prefixes(after.map((s) => s.id)).size).toBe(seeds.length);
    expect(assignSeedIds([...seeds].reverse())).toEqual(changes);
    expect(assignSeedIds(after)).toEqual(new Map());
  });

  it('a new seed that collides gets a new id; existing ids stay', () => {
    const seeds = apply(
      [
        { file: 'a/one.md', id: '01M809CY0X94BASXFGE3Y3S7N5' },
        { file: 'b/two.md', id: '01M809CY0X2Q8A9VJAHEE5BV2B' },
      ],
      new Map(),
    );
    const settled = apply(seeds, assignSeedIds(seeds));
    const added = [...settled, { file: 'c/new.md', id: `${settled[0]?.id.slice(0, 10)}ZZZZZZZZZZZZZZZZ` }];
    expect([...assignSeedIds(added).keys()]).toEqual(['c/new.md']);
  });
});
