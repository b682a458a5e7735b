import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { modelContentHash } from '../embed/model-hash.js';
import { runGit } from '../git/run.js';
import { getPackageRoot } from '../paths.js';
import type { Store } from '../store/store.js';
import type { IndexReport } from './build.js';
import { requireCommittedIndex, sortedRowIds } from './export-rows.js';
import {
  type IndexManifest,
  MANIFEST_FILE,
  PACK_VERSION,
  SIGNATURE_FILE,
  serializeManifest,
  TABLE_FOLDER,
} from './manifest.js';
import { signManifest } from './manifest-signature.js';
import { configuredModel } from './model.js';
import { rowsDigest } from './pack.js';
import { snapshotTable, type TableFile } from './table-files.js';

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
  /** Bytes of the table's files (before git compresses them). */
  pack_bytes: number;
  build: IndexReport;
}

// The index commit's identity and date are fixed (the date is the store commit's), so the same
// store commit, model and ct version give the same index commit id wherever CI runs.
const EXPORT_IDENTITY = { name: 'CommonTrace index', email: 'ct-index@commontrace.invalid' };

/**
 * `ct index --export`: brings the index up to date with HEAD (which must be committed: a shipped
 * index describes a commit), snapshots its LanceDB table at the latest version (rows, full-text and
 * vector indexes), writes a manifest listing every file with its sha256, signs the manifest, and
 * records all of it as a parentless commit on ct.yml index.ref (refs/ct/index) with git plumbing,
 * so any git server carries it. Each export replaces the previous one; files that did not change
 * keep their blob ids and are not transferred again.
 */
export async function exportIndex(store: Store, options: ExportOptions = {}): Promise<ExportReport> {
  const ref = store.config.index.ref;
  const { state, table, build } = await requireCommittedIndex(store, options.log);
  const head = state.commit as string;
  const model = configuredModel(store);
  const ids = table ? await sortedRowIds(table) : [];
  // The table's own files (rows, full-text and vector indexes) at its latest version, so a client
  // installs by copying instead of indexing again.
  const snapshot = table ? await snapshotTable(store.root, state.table) : undefined;
  let files: TableFile[] = [];
  let blobs: string[] = [];
  try {
    if (snapshot) {
      files = snapshot.files;
      const listed = files.map((f) => path.join(snapshot.dir, ...f.path.split('/')));
      blobs = (
        await runGit(store.root, ['hash-object', '-w', '--stdin-paths'], { input: `${listed.join('\n')}\n` })
      ).stdout
        .trim()
        .split('\n');
      if (blobs.length !== files.length)
        throw new Error(`git hash-object wrote ${blobs.length} blobs for ${files.length} table files`);
      options.log?.(`Packed the table: ${files.length} files, ${ids.length} rows`);
    }
  } finally {
    await snapshot?.remove();
  }

  const manifest: IndexManifest = {
    format: 'ct-index-pack',
    version: PACK_VERSION,
    store: {
      name: store.config.name,
      commit: head,
      tree: (await runGit(store.root, ['rev-parse', `${head}^{tree}`])).stdout.trim(),
    },
    model: { id: model, sha256: await modelContentHash(state.model), dim: state.dim },
    schema_version: state.schema_version,
    rows: ids.length,
    digest: rowsDigest(ids),
    files,
    skipped: state.skipped,
    ct_version: await ctVersion(),
  };
  const text = serializeManifest(manifest);
  const signKey = options.signKey ?? process.env.CT_INDEX_SIGNING_KEY;
  const signature = signKey ? await signManifest(text, signKey) : undefined;
  if (!signature)
    options.log?.('warning: no signing key (--sign-key or CT_INDEX_SIGNING_KEY): clients will refuse this index');

  const entries = [
    `100644 ${await hashObject(store.root, Buffer.from(text))}\t${MANIFEST_FILE}`,
    ...(signature ? [`100644 ${await hashObject(store.root, Buffer.from(signature))}\t${SIGNATURE_FILE}`] : []),
    ...files.map((f, i) => `100644 ${blobs[i]}\t${TABLE_FOLDER}/${f.path}`),
  ];
  const tree = await writeTree(store.root, entries);
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
    pack_bytes: files.reduce((n, f) => n + f.bytes, 0),
    build,
  };
}

async function hashObject(root: string, bytes: Buffer): Promise<string> {
  return (await runGit(root, ['hash-object', '-w', '--stdin'], { input: bytes })).stdout.trim();
}

/** A tree of nested paths ("<mode> <blob>\t<path>" lines) written through a scratch git index, not the checkout's. */
async function writeTree(root: string, entries: string[]): Promise<string> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-export-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
    await runGit(root, ['update-index', '--add', '--index-info'], {
      env,
      input: entries.map((e) => `${e}\n`).join(''),
    });
    return (await runGit(root, ['write-tree'], { env })).stdout.trim();
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function ctVersion(): Promise<string> {
  const text = await fs.readFile(path.join(getPackageRoot(), 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
