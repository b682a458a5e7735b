import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AdaptationRef } from '../embed/embedder.js';
import { LOCAL_DIR, localPath } from '../store/local.js';
import { findSymlink, writeFileAtomic } from '../util/fs.js';

/** Bump when the table layout or the text fed to the index changes: every index rebuilds. */
export const INDEX_SCHEMA_VERSION = 4;

/** Where the rows of an index came from: built here, or the store's shipped index (then updated here). */
export const IndexSourceSchema = z.object({
  type: z.enum(['local', 'shipped', 'remote']),
  uri: z.string().optional().describe('remote: the object-storage dataset queried in place.'),
  ref: z.string().optional().describe('shipped: the git ref it was fetched from.'),
  index_commit: z.string().optional().describe('shipped: the commit on that ref.'),
  store_commit: z.string().optional().describe('shipped: the store commit it was built from.'),
  signer: z.string().optional().describe('shipped: who signed its manifest.'),
  installed_at: z.string().optional(),
});
export type IndexSource = z.infer<typeof IndexSourceSchema>;

/** The name of an adaptation file in the index folder: a plain name, never a path. */
export const ADAPTATION_FILE = /^adapt-[0-9a-f]{16}\.bin$/;

export const IndexStateSchema = z.object({
  schema_version: z.number().int(),
  model: z.string().describe('Embedding model id.'),
  dim: z.number().int(),
  table: z.string().describe('The LanceDB table readers should open.'),
  commit: z.string().nullable().describe('HEAD when the index was last updated.'),
  traces_tree: z.string().optional().describe('The tree id of traces/ at `commit`, when the index matched it exactly.'),
  dirty: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      'The uncommitted paths under traces/, votes/ and flags/ when the update began, each with the git blob id of its content then ("" when deleted): the index is fresh while they are the same.',
    ),
  traces: z.number().int(),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })).default([]),
  ann: z.boolean().default(false).describe('True when the vector column has an approximate (IVF_PQ) index.'),
  built_at: z.string(),
  source: IndexSourceSchema.default({ type: 'local' }),
  adapt: z
    .boolean()
    .optional()
    .describe(
      'True when the last full build was asked to adapt the embedding to the store (ct.yml embedding.adapt), even if the store had too few traces for it.',
    ),
  adaptation: z
    .object({
      file: z.string().regex(ADAPTATION_FILE, 'adapt-<16 hex>.bin'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      pairs: z.number().int(),
      steps: z.number().int(),
      rows: z.number().int(),
    })
    .optional()
    .describe(
      "The embedding table's rows adapted to this store at the last full build (src/embed/adapt.ts), in a file of the index folder: queries must be embedded with them.",
    ),
});
export type IndexState = z.infer<typeof IndexStateSchema>;

export const indexDir = (root: string): string => localPath(root, 'index');
const stateFile = (root: string) => path.join(indexDir(root), 'state.json');

/** The state file, or undefined when there is none or it cannot be read (the index then rebuilds). */
export async function readIndexState(root: string): Promise<IndexState | undefined> {
  // A linked .ct is refused by every writer; a reader treats it as no index at all.
  if ((await findSymlink(root, path.join(LOCAL_DIR, 'index', 'state.json'))) !== undefined) return undefined;
  const text = await fs.readFile(stateFile(root), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = IndexStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeIndexState(root: string, state: z.input<typeof IndexStateSchema>): Promise<void> {
  await writeFileAtomic(stateFile(root), `${JSON.stringify(state, null, 2)}\n`);
}

/** The adapted rows an index was built with, to embed its queries with (undefined: the model's own table). */
export function adaptationRef(
  root: string,
  state: Pick<IndexState, 'adaptation'> | undefined,
): AdaptationRef | undefined {
  return state?.adaptation
    ? { path: path.join(indexDir(root), state.adaptation.file), sha256: state.adaptation.sha256 }
    : undefined;
}
