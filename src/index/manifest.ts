import { z } from 'zod';

const HEX40 = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What a shipped index says about itself: the commit and tree it was built from, the embedding
 * model (id and a hash of its files), the index format, and the rows (their count, a digest over
 * trace id and blob id, and each chunk's sha256). It is signed; a client checks every field it can
 * against its own checkout and model before it uses a row.
 */
export const IndexManifestSchema = z
  .object({
    format: z.literal('ct-index-pack'),
    version: z.literal(1),
    store: z.object({
      name: z.string(),
      commit: z.string().regex(HEX40, 'a commit id'),
      tree: z.string().regex(HEX40, 'a tree id'),
    }),
    model: z.object({
      id: z.string().min(1),
      sha256: z.string().regex(SHA256, 'a sha256'),
      dim: z.number().int().min(1).max(65_536),
    }),
    schema_version: z.number().int(),
    rows: z.number().int().min(0),
    digest: z.string().regex(SHA256, 'a sha256').describe('sha256 over "<trace id> <blob id>\\n", in id order.'),
    chunks: z.array(
      z.object({
        file: z.string().regex(/^rows\/\d{5}\.arrow$/, 'rows/NNNNN.arrow'),
        rows: z.number().int().min(0),
        sha256: z.string().regex(SHA256, 'a sha256'),
      }),
    ),
    skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
    ct_version: z.string(),
  })
  .strict();
export type IndexManifest = z.infer<typeof IndexManifestSchema>;

/** The namespace of manifest signatures (ssh-keygen -Y): a key allowed only for votes ("git") cannot sign an index. */
export const MANIFEST_NAMESPACE = 'ct-index';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.sig';

/** The manifest as published: fixed key order, two-space indent, a final newline. */
export function serializeManifest(manifest: IndexManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
