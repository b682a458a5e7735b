import fs from 'node:fs/promises';
import path from 'node:path';
import type { Table } from '@lancedb/lancedb';
import { modelContentHash } from '../embed/model-hash.js';
import { runGit } from '../git/run.js';
import { getPackageRoot } from '../paths.js';
import type { Store } from '../store/store.js';
import type { IndexReport } from './build.js';
import { readRowsByIds, requireCommittedIndex, sortedRowIds } from './export-rows.js';
import { type IndexManifest, MANIFEST_FILE, SIGNATURE_FILE, serializeManifest } from './manifest.js';
import { signManifest } from './manifest-signature.js';
import { configuredModel } from './model.js';
import { encodePackChunk, PACK_CHUNK_ROWS, rowsDigest, sha256 } from './pack.js';

export interface ExportOptions {
  /** An SSH private key to sign the manifest with; without one the index is published unsigned (clients refuse it). */
  signKey?: string;
  /** Push the ref to the store's remote (forge.remote) after writing it. */
  push?: boolean;
  log?: (message: string) => void;
}

export interface ExportReport {
  ref: string;
  /** The commit on `ref` that holds the pack. */
  index_commit: string;
  manifest: IndexManifest;
  signed: boolean;
  pushed: boolean;
  /** Bytes of the pack's chunks (before git compresses them). */
  pack_bytes: number;
  build: IndexReport;
}

// The index commit's identity and date are fixed (the date is the store commit's), so the same
// store commit, model and ct version give the same index commit id wherever CI runs.
const EXPORT_IDENTITY = { name: 'CommonTrace index', email: 'ct-index@commontrace.invalid' };

/**
 * `ct index --export`: brings the index up to date with HEAD (which must be committed: a shipped
 * index describes a commit), writes its rows as deterministic Arrow chunks and a manifest, signs
 * the manifest, and records all of it as a parentless commit on ct.yml index.ref (refs/ct/index)
 * with git plumbing, so any git server carries it. Each export replaces the previous one; chunks
 * that did not change keep their blob ids and are not transferred again.
 */
export async function exportIndex(store: Store, options: ExportOptions = {}): Promise<ExportReport> {
  const ref = store.config.index.ref;
  const { state, table, build } = await requireCommittedIndex(store, options.log);
  const head = state.commit as string;
  const model = configuredModel(store);
  // Ids first (small), then the rows slice by slice: memory holds one chunk, not the store.
  const ids = table ? await sortedRowIds(table) : [];
  const chunkBlobs: { file: string; rows: number; sha256: string; blob: string; bytes: number }[] = [];
  for (let i = 0; i < ids.length; i += PACK_CHUNK_ROWS) {
    const slice = ids.slice(i, i + PACK_CHUNK_ROWS);
    const rows = await readRowsByIds(table as Table, slice);
    const bytes = encodePackChunk(rows, state.dim);
    const file = `rows/${String(chunkBlobs.length).padStart(5, '0')}.arrow`;
    chunkBlobs.push({
      file,
      rows: rows.length,
      sha256: sha256(bytes),
      blob: await hashObject(store.root, bytes),
      bytes: bytes.length,
    });
    options.log?.(`Packed ${Math.min(i + PACK_CHUNK_ROWS, ids.length)}/${ids.length} rows`);
  }

  const manifest: IndexManifest = {
    format: 'ct-index-pack',
    version: 1,
    store: {
      name: store.config.name,
      commit: head,
      tree: (await runGit(store.root, ['rev-parse', `${head}^{tree}`])).stdout.trim(),
    },
    model: { id: model, sha256: await modelContentHash(state.model), dim: state.dim },
    schema_version: state.schema_version,
    rows: ids.length,
    digest: rowsDigest(ids),
    chunks: chunkBlobs.map(({ file, rows, sha256: hash }) => ({ file, rows, sha256: hash })),
    skipped: state.skipped,
    ct_version: await ctVersion(),
  };
  const text = serializeManifest(manifest);
  const signKey = options.signKey ?? process.env.CT_INDEX_SIGNING_KEY;
  const signature = signKey ? await signManifest(text, signKey) : undefined;
  if (!signature)
    options.log?.('warning: no signing key (--sign-key or CT_INDEX_SIGNING_KEY): clients will refuse this index');

  const rowsTree = await mkTree(
    store.root,
    chunkBlobs.map((c) => `100644 blob ${c.blob}\t${path.posix.basename(c.file)}`),
  );
  const top = [
    `100644 blob ${await hashObject(store.root, Buffer.from(text))}\t${MANIFEST_FILE}`,
    ...(signature ? [`100644 blob ${await hashObject(store.root, Buffer.from(signature))}\t${SIGNATURE_FILE}`] : []),
    ...(chunkBlobs.length > 0 ? [`040000 tree ${rowsTree}\trows`] : []),
  ];
  const tree = await mkTree(store.root, top);
  const date = (await runGit(store.root, ['show', '-s', '--format=%cI', head])).stdout.trim();
  const env = {
    GIT_AUTHOR_NAME: EXPORT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: EXPORT_IDENTITY.email,
    GIT_COMMITTER_NAME: EXPORT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: EXPORT_IDENTITY.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const message = `ct index of ${head.slice(0, 12)}: ${ids.length} traces, ${model}\n\nstore-commit: ${head}\n`;
  const indexCommit = (
    await runGit(store.root, ['commit-tree', '--no-gpg-sign', tree, '-m', message], { env })
  ).stdout.trim();
  await runGit(store.root, ['update-ref', '-m', 'ct index --export', ref, indexCommit]);
  options.log?.(`Wrote ${ref} = ${indexCommit.slice(0, 12)} (${ids.length} traces, store commit ${head.slice(0, 12)})`);

  let pushed = false;
  if (options.push) {
    const remote = store.config.forge.remote;
    await runGit(store.root, ['push', '--quiet', '--force', remote, `${ref}:${ref}`], {
      timeoutMs: store.config.forge.timeout_seconds * 1000 * 4,
    });
    pushed = true;
    options.log?.(`Pushed ${ref} to ${remote}`);
  }
  return {
    ref,
    index_commit: indexCommit,
    manifest,
    signed: signature !== undefined,
    pushed,
    pack_bytes: chunkBlobs.reduce((n, c) => n + c.bytes, 0),
    build,
  };
}

async function hashObject(root: string, bytes: Buffer): Promise<string> {
  return (await runGit(root, ['hash-object', '-w', '--stdin'], { input: bytes })).stdout.trim();
}

async function mkTree(root: string, entries: string[]): Promise<string> {
  return (await runGit(root, ['mktree'], { input: entries.map((e) => `${e}\n`).join('') })).stdout.trim();
}

async function ctVersion(): Promise<string> {
  const text = await fs.readFile(path.join(getPackageRoot(), 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
