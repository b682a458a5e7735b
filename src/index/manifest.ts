import { z } from 'zod';

const HEX40 = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What a shipped index says about itself: the commit and tree it was built from, the embedding
 * model (id and a hash of its files), the index format, the rows (their count and a digest over
 * trace id and blob id) and every file of the LanceDB table that holds them (path, size, sha256).
 * It is signed; a client checks every field it can against its own checkout and model, and every
 * file's hash, before it opens the table.
 *
 * Version 1 shipped the rows as Arrow chunks that each client loaded into a new table and indexed
 * again, which cost about what a local build does; version 2 ships LanceDB's own files, with their
 * full-text and vector indexes, so installing is copying.
 */
export const PACK_VERSION = 2;

/** Where a table file may sit inside a LanceDB dataset directory: no absolute paths, no `..`. */
const TABLE_FILE = /^(data|_indices|_versions|_transactions|_deletions)(\/[A-Za-z0-9_.-]+)+$/;

export const IndexManifestSchema = z
  .object({
    format: z.literal('ct-index-pack'),
    version: z.literal(PACK_VERSION),
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
    files: z
      .array(
        z.object({
          path: z
            .string()
            .regex(TABLE_FILE, 'a path inside a LanceDB table (data/, _indices/, _versions/ ...)')
            .refine((p) => !p.split('/').some((part) => part === '.' || part === '..'), 'a path without . or .. parts'),
          bytes: z.number().int().min(0),
          sha256: z.string().regex(SHA256, 'a sha256'),
        }),
      )
      .describe(
        'The LanceDB table, file by file, under table/ in the index commit; empty when the store has no traces.',
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
/** The folder of the index commit that holds the table's files. */
export const TABLE_FOLDER = 'table';

/** The manifest as published: fixed key order, two-space indent, a final newline. */
export function serializeManifest(manifest: IndexManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
