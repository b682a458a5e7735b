import { createHash } from 'node:crypto';

/** Rows read or written per slice when an index is copied to object storage (remote.ts). */
export const PACK_CHUNK_ROWS = 5_000;

/** sha256 over "trace id, space, blob id, newline" for rows in id order: what an index was built from. */
export function rowsDigest(pairs: Iterable<{ id: string; blob: string }>): string {
  const hash = createHash('sha256');
  for (const { id, blob } of pairs) hash.update(`${id} ${blob}\n`);
  return hash.digest('hex');
}

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
