import { describe, expect, it } from 'vitest';
import { IndexManifestSchema, PACK_VERSION } from '../../src/index/manifest.js';
import { rowsDigest } from '../../src/index/pack.js';

const manifest = (files: { path: string; bytes: number; sha256: string }[]) => ({
  format: 'ct-index-pack',
  version: PACK_VERSION,
  store: { name: 'demo', commit: 'a'.repeat(40), tree: 'b'.repeat(40) },
  model: { id: 'ct-static-v3', sha256: 'c'.repeat(64), dim: 256 },
  schema_version: 4,
  rows: 1,
  digest: 'd'.repeat(64),
  files,
  skipped: [],
  ct_version: '0.1.0',
});
const file = (p: string) => ({ path: p, bytes: 10, sha256: 'e'.repeat(64) });

describe('an index pack manifest', () => {
  it('lists table files by paths inside a LanceDB table only', () => {
    for (const ok of [
      'data/0110abc.lance',
      '_indices/5d2e-4f/part_0_tokens.lance',
      '_versions/18446744073709551592.manifest',
    ])
      expect(IndexManifestSchema.safeParse(manifest([file(ok)])).success, ok).toBe(true);
    for (const bad of [
      '../state.json',
      '/etc/passwd',
      'data/../../state.json',
      'data/./x',
      'other/x',
      'data',
      'data\\x',
    ])
      expect(IndexManifestSchema.safeParse(manifest([file(bad)])).success, bad).toBe(false);
  });

  it('is strict: a version 1 manifest (Arrow chunks) or an unknown field does not parse', () => {
    expect(IndexManifestSchema.safeParse({ ...manifest([]), version: 1 }).success).toBe(false);
    expect(IndexManifestSchema.safeParse({ ...manifest([]), extra: true }).success).toBe(false);
  });
});

describe('the rows digest', () => {
  it('digests (trace id, blob id) pairs in order: a changed blob changes it', () => {
    const a = rowsDigest([{ id: '01A', blob: 'x' }]);
    expect(rowsDigest([{ id: '01A', blob: 'x' }])).toBe(a);
    expect(rowsDigest([{ id: '01A', blob: 'y' }])).not.toBe(a);
  });
});
