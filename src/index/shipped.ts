import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Table } from '@lancedb/lancedb';
import { z } from 'zod';
import { modelContentHash } from '../embed/model-hash.js';
import { spawnGit, tryGit } from '../git/run.js';
import type { Store } from '../store/store.js';
import { writeFileAtomic } from '../util/fs.js';
import { ensureVectorIndex } from './build.js';
import { withIndexLock } from './lock.js';
import {
  type IndexManifest,
  IndexManifestSchema,
  MANIFEST_FILE,
  PACK_VERSION,
  SIGNATURE_FILE,
  TABLE_FOLDER,
} from './manifest.js';
import { verifyManifestSignature } from './manifest-signature.js';
import { configuredModel, modelFor } from './model.js';
import { rowsDigest } from './pack.js';
import { INDEX_SCHEMA_VERSION, indexDir, readIndexState, writeIndexState } from './state.js';
import { connectIndex, ensureFtsIndexes, openTable, rowSchema } from './table.js';
import { tableDir } from './table-files.js';

/** Why a shipped index was not used: each a stable code with a sentence a person can act on. */
export const RefusalCode = z.enum([
  'manifest-invalid',
  'index-format',
  'model-mismatch',
  'unknown-commit',
  'tree-mismatch',
  'unsigned',
  'no-signers',
  'wrong-signer',
  'bad-signature',
  'pack-tampered',
  'pack-mismatch',
]);
export type RefusalCode = z.infer<typeof RefusalCode>;

export const ShippedAttemptSchema = z.object({
  outcome: z.enum(['installed', 'refused', 'failed', 'absent', 'current']),
  code: z.string().optional(),
  reason: z.string().optional(),
  ref: z.string(),
  index_commit: z.string().optional(),
  store_commit: z.string().optional(),
  signer: z.string().optional(),
  rows: z.number().int().optional(),
  at: z.string(),
});
/** The last attempt to use the shipped index (kept in .ct/index/shipped.json for status and doctor). */
export type ShippedAttempt = z.infer<typeof ShippedAttemptSchema>;

class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** The local index is already at or past the shipped commit (the message is that commit). */
class NotNewer extends Error {}

const attemptFile = (root: string) => path.join(indexDir(root), 'shipped.json');

export async function readShippedAttempt(root: string): Promise<ShippedAttempt | undefined> {
  const text = await fs.readFile(attemptFile(root), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const parsed = ShippedAttemptSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when a store asks for a shipped index and using one would save a local build: there is no
 * index yet, or it would be rebuilt anyway (another model or index format). `ct sync` also
 * passes `whenBehind`: the index is more than that many changed trace files behind HEAD.
 */
export async function wantsShippedIndex(store: Store, whenBehind?: number): Promise<boolean> {
  if (!store.config.index.shipped) return false;
  const state = await readIndexState(store.root);
  if (!state || state.schema_version !== INDEX_SCHEMA_VERSION || state.model !== modelFor(store)) return true;
  if (whenBehind === undefined || !state.commit) return false;
  const changed = await tryGit(store.root, ['diff', '--name-only', state.commit, 'HEAD', '--', 'traces/']);
  return changed === undefined || changed.split('\n').filter(Boolean).length > whenBehind;
}

/**
 * Fetches the store's shipped index (ct.yml index.ref from forge.remote), verifies it and installs
 * it as the checkout's index; the caller then runs the usual incremental update, which embeds only
 * what changed since the shipped commit. Verified, in order: the manifest's shape, the index format,
 * the model (id and a hash of its files, computed here), that the commit is in the local history
 * and its tree matches, the signature (against allowed_signers as of that commit), each table
 * file's size and sha256 as it streams out of git, then the installed table's vector dimension and
 * its rows' (path, blob) pairs against `git ls-tree` of that commit (no id twice, count and digest
 * as signed). Any failure is a refusal: nothing is installed and the reason is returned (and kept
 * for `ct status`).
 */
export async function installShippedIndex(
  store: Store,
  options: { log?: (message: string) => void; fetch?: boolean } = {},
): Promise<ShippedAttempt> {
  const ref = store.config.index.ref;
  const at = () => new Date().toISOString();
  const remote = store.config.forge.remote;
  if (options.fetch !== false) {
    const fetched = await spawnGit(store.root, ['fetch', '--quiet', '--no-tags', remote, `+${ref}:${ref}`], {
      timeoutMs: store.config.forge.timeout_seconds * 1000,
    }).catch((e: Error) => ({ code: -1, stderr: e.message }));
    if (fetched.code !== 0 && !(await tryGit(store.root, ['rev-parse', '--verify', '--quiet', ref]))) {
      const attempt: ShippedAttempt = {
        outcome: 'absent',
        reason: `no shipped index at ${remote} ${ref} (${fetched.stderr.trim().split('\n').pop() ?? 'fetch failed'})`,
        ref,
        at: at(),
      };
      options.log?.(`${store.name}: ${attempt.reason}; building the index locally`);
      return record(store.root, attempt);
    }
  }
  const indexCommit = (await tryGit(store.root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))?.trim();
  if (!indexCommit)
    return record(store.root, { outcome: 'absent', reason: `no ${ref} in the checkout`, ref, at: at() });
  const state = await readIndexState(store.root);
  if (state?.source.type === 'shipped' && state.source.index_commit === indexCommit && state.model === modelFor(store))
    return { outcome: 'current', ref, index_commit: indexCommit, at: at() };
  // A pack refused once is refused again: not re-verified at every sync until the ref moves.
  const last = await readShippedAttempt(store.root);
  if (last?.outcome === 'refused' && last.index_commit === indexCommit) {
    options.log?.(
      `${store.name}: the shipped index ${indexCommit.slice(0, 12)} was refused (${last.code}): ${last.reason}`,
    );
    return last;
  }

  try {
    const result = await withIndexLock(store.root, () => verifyAndInstall(store, ref, indexCommit, options.log), {
      ...(options.log ? { log: options.log } : {}),
    });
    options.log?.(
      `${store.name}: installed the shipped index of ${result.store_commit?.slice(0, 12)} (${result.rows} traces, signed by ${result.signer})`,
    );
    return record(store.root, result);
  } catch (e) {
    if (e instanceof NotNewer) {
      options.log?.(`${store.name}: the local index is at or past the shipped one (${e.message.slice(0, 12)}): kept`);
      return { outcome: 'current', ref, index_commit: indexCommit, store_commit: e.message, at: at() };
    }
    if (!(e instanceof Refusal)) {
      // Not the pack's fault (disk full, a lock held too long): a local build still answers.
      const reason = (e as Error).message.split('\n')[0] ?? 'unknown error';
      options.log?.(`${store.name}: could not install the shipped index (${reason}); building the index locally`);
      return record(store.root, { outcome: 'failed', reason, ref, index_commit: indexCommit, at: at() });
    }
    const attempt: ShippedAttempt = {
      outcome: 'refused',
      code: e.code,
      reason: e.message,
      ref,
      index_commit: indexCommit,
      at: at(),
    };
    options.log?.(`${store.name}: refused the shipped index (${e.code}): ${e.message}; building the index locally`);
    return record(store.root, attempt);
  }
}

async function verifyAndInstall(
  store: Store,
  ref: string,
  indexCommit: string,
  _log?: (m: string) => void,
): Promise<ShippedAttempt> {
  const root = store.root;
  const manifestText = await readBlob(root, `${indexCommit}:${MANIFEST_FILE}`);
  if (!manifestText) throw new Refusal('manifest-invalid', `${ref} has no ${MANIFEST_FILE}`);
  let manifest: IndexManifest;
  try {
    const json = JSON.parse(manifestText.toString('utf8')) as { version?: unknown; ct_version?: unknown };
    if (json?.version !== PACK_VERSION)
      throw new Refusal(
        'index-format',
        `the shipped index is pack version ${String(json?.version)} (ct ${String(json?.ct_version)} built it); this ct reads version ${PACK_VERSION}: export it again with this ct`,
      );
    const parsed = IndexManifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Refusal('manifest-invalid', `${MANIFEST_FILE} field ${issue?.path.join('.')}: ${issue?.message}`);
    }
    manifest = parsed.data;
  } catch (e) {
    if (e instanceof Refusal) throw e;
    throw new Refusal('manifest-invalid', `${MANIFEST_FILE} is not JSON (${(e as Error).message})`);
  }
  // An index already built from the shipped commit or a later one is better than the shipped one.
  const current = await readIndexState(root);
  if (
    current?.commit &&
    current.schema_version === INDEX_SCHEMA_VERSION &&
    current.model === modelFor(store) &&
    (await spawnGit(root, ['merge-base', '--is-ancestor', manifest.store.commit, current.commit])).code === 0
  )
    throw new NotNewer(manifest.store.commit);

  if (manifest.schema_version !== INDEX_SCHEMA_VERSION)
    throw new Refusal(
      'index-format',
      `the shipped index has format ${manifest.schema_version}; this ct reads ${INDEX_SCHEMA_VERSION} (ct ${manifest.ct_version} built it)`,
    );
  const model = configuredModel(store);
  if (manifest.model.id !== model)
    throw new Refusal(
      'model-mismatch',
      `the shipped index was embedded with ${manifest.model.id}; this store uses ${model}`,
    );
  const localHash = await modelContentHash(modelFor(store));
  if (manifest.model.sha256 !== localHash)
    throw new Refusal(
      'model-mismatch',
      `the files of ${model} differ from the ones the shipped index was embedded with (sha256 ${manifest.model.sha256.slice(0, 12)}, here ${localHash.slice(0, 12)}): upgrade or downgrade ct to ${manifest.ct_version}`,
    );

  const commit = manifest.store.commit;
  const known = await spawnGit(root, ['cat-file', '-e', `${commit}^{commit}`]);
  const ancestor = known.code === 0 ? await spawnGit(root, ['merge-base', '--is-ancestor', commit, 'HEAD']) : known;
  if (ancestor.code !== 0)
    throw new Refusal(
      'unknown-commit',
      `the shipped index was built from commit ${commit.slice(0, 12)}, which is not in the history of this checkout's HEAD: run \`ct sync\` first, or the index is for another branch`,
    );
  const tree = (await tryGit(root, ['rev-parse', `${commit}^{tree}`]))?.trim();
  if (tree !== manifest.store.tree)
    throw new Refusal(
      'tree-mismatch',
      `commit ${commit.slice(0, 12)} has tree ${tree}, the manifest says ${manifest.store.tree}`,
    );

  const signature = (await readBlob(root, `${indexCommit}:${SIGNATURE_FILE}`))?.toString('utf8');
  const checked = await verifyManifestSignature({
    root,
    commit,
    text: manifestText.toString('utf8'),
    signature,
    allowedSigners: store.config.policy.allowed_signers,
    principals: store.config.index.signers,
  });
  if (!checked.ok) throw new Refusal(checked.code, checked.reason);

  // The trace files of the commit, to check each row's path and blob against.
  const listing = (await spawnGit(root, ['ls-tree', '-r', '-z', commit, '--', 'traces/'])).stdout.toString('utf8');
  const committed = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    if (match) committed.set(match[2] as string, match[1] as string);
  }

  const previousTable = (await readIndexState(root))?.table;
  const db = await connectIndex(root);
  const tableName = `traces-shipped-${Date.now().toString(36)}`;
  const finalDir = tableDir(indexDir(root), tableName);
  const partial = path.join(indexDir(root), `.${tableName}.partial`);
  const pairs: { id: string; blob: string }[] = [];
  try {
    let table: Table;
    if (manifest.files.length === 0) {
      if (manifest.rows !== 0)
        throw new Refusal('pack-mismatch', `the manifest lists no table files for ${manifest.rows} rows`);
      table = await db.createEmptyTable(tableName, await rowSchema(manifest.model.dim), { mode: 'overwrite' });
    } else {
      // Every file the signed manifest lists, each written as it streams out of git and checked
      // against its sha256, into a folder LanceDB does not see until all of them are there.
      const shippedBlobs = await listTableBlobs(root, indexCommit);
      // An install killed half-way left its folder: this one holds the index lock, so none is in use.
      for (const name of await fs.readdir(indexDir(root)))
        if (/^\.traces-shipped-[0-9a-z]+\.partial$/.test(name))
          await fs.rm(path.join(indexDir(root), name), { recursive: true, force: true });
      for (const file of manifest.files) {
        const blob = shippedBlobs.get(file.path);
        if (!blob)
          throw new Refusal(
            'pack-tampered',
            `${TABLE_FOLDER}/${file.path} is in the signed manifest but not in ${ref}`,
          );
        const written = await writeBlob(root, blob, path.join(partial, ...file.path.split('/')));
        if (written.bytes !== file.bytes || written.sha256 !== file.sha256)
          throw new Refusal(
            'pack-tampered',
            `${TABLE_FOLDER}/${file.path} of ${ref} does not match its sha256 in the signed manifest`,
          );
      }
      await fs.rename(partial, finalDir);
      table = (await openTable(db, tableName)) as Table;
      if (!table) throw new Refusal('pack-tampered', `the shipped table of ${ref} cannot be opened`);
      const dim = await vectorDimension(table);
      if (dim !== manifest.model.dim)
        throw new Refusal(
          'pack-mismatch',
          `the shipped table has ${dim}-d vectors, the manifest says ${manifest.model.dim}`,
        );
      // The rows the table holds, against the commit's files: each (path, blob) as committed.
      const rows = (await table.query().select(['id', 'path', 'blob']).toArray()) as {
        id: string;
        path: string;
        blob: string;
      }[];
      for (const row of rows) {
        if (committed.get(row.path) !== row.blob)
          throw new Refusal(
            'pack-mismatch',
            `the row of ${row.id} says ${row.path} is blob ${String(row.blob).slice(0, 12)}; at ${commit.slice(0, 12)} it is ${committed.get(row.path)?.slice(0, 12) ?? 'absent'}`,
          );
        pairs.push({ id: String(row.id), blob: String(row.blob) });
      }
      pairs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (let i = 1; i < pairs.length; i++)
        if (pairs[i]?.id === pairs[i - 1]?.id)
          throw new Refusal('pack-mismatch', `the shipped table holds trace ${pairs[i]?.id} twice`);
    }
    if (pairs.length !== manifest.rows || rowsDigest(pairs) !== manifest.digest)
      throw new Refusal('pack-mismatch', `the rows do not match the manifest's count (${manifest.rows}) and digest`);
    // No-ops for a table shipped with its indexes (what ct exports); built here otherwise.
    await ensureFtsIndexes(table);
    const ann = await ensureVectorIndex(table);
    // The switch: readers open the table the state file names, written atomically (temp file + rename).
    await writeIndexState(root, {
      schema_version: INDEX_SCHEMA_VERSION,
      model: modelFor(store),
      dim: manifest.model.dim,
      table: tableName,
      commit,
      traces: pairs.length,
      skipped: manifest.skipped.filter((s) => committed.has(s.file)),
      ann,
      built_at: new Date().toISOString(),
      source: {
        type: 'shipped',
        ref,
        index_commit: indexCommit,
        store_commit: commit,
        signer: checked.signer,
        installed_at: new Date().toISOString(),
      },
    });
  } catch (e) {
    await db.dropTable(tableName).catch(() => undefined);
    await fs.rm(finalDir, { recursive: true, force: true });
    await fs.rm(partial, { recursive: true, force: true });
    throw e;
  }
  // As after a full rebuild: the replaced table stays for readers that opened it just before the switch.
  for (const name of await db.tableNames())
    if (name.startsWith('traces') && name !== tableName && name !== previousTable)
      await db.dropTable(name).catch(() => undefined);
  return {
    outcome: 'installed',
    ref,
    index_commit: indexCommit,
    store_commit: commit,
    signer: checked.signer,
    rows: pairs.length,
    at: new Date().toISOString(),
  };
}

/** The blob id of each file under table/ in the index commit, by its path inside the table. */
async function listTableBlobs(root: string, indexCommit: string): Promise<Map<string, string>> {
  const listing = await spawnGit(root, ['ls-tree', '-r', '-z', indexCommit, '--', `${TABLE_FOLDER}/`]);
  const blobs = new Map<string, string>();
  for (const entry of listing.stdout.toString('utf8').split('\0')) {
    const match = /^100644 blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    if (match) blobs.set((match[2] as string).slice(TABLE_FOLDER.length + 1), match[1] as string);
  }
  return blobs;
}

/** Streams a blob out of git into a new file (folders created), hashing it on the way. */
async function writeBlob(root: string, blob: string, file: string): Promise<{ bytes: number; sha256: string }> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'wx');
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const result = await spawnGit(root, ['cat-file', 'blob', blob], {
      onStdout: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
        writeSync(handle.fd, chunk);
      },
    });
    if (result.code !== 0) throw new Refusal('pack-tampered', `blob ${blob} is missing: ${result.stderr.trim()}`);
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The dimension of a table's vector column (a fixed-size list). */
async function vectorDimension(table: Table): Promise<number | undefined> {
  const field = (await table.schema()).fields.find((f) => f.name === 'vector');
  return (field?.type as { listSize?: number } | undefined)?.listSize;
}

async function readBlob(root: string, spec: string): Promise<Buffer | undefined> {
  const result = await spawnGit(root, ['cat-file', 'blob', spec]);
  return result.code === 0 ? result.stdout : undefined;
}

async function record(root: string, attempt: ShippedAttempt): Promise<ShippedAttempt> {
  await fs.mkdir(indexDir(root), { recursive: true });
  await writeFileAtomic(attemptFile(root), `${JSON.stringify(attempt, null, 2)}\n`);
  return attempt;
}
