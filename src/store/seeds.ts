import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { identityEnv } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { getDataDir, seedsDir } from '../paths.js';
import { pathExists, walkFiles, writeFileAtomic } from '../util/fs.js';
import { isProcessAlive } from '../util/process.js';
import { initStore } from './init.js';
import { localPath } from './local.js';
import { SEEDS_STORE_NAME } from './registry.js';

/** The identity that commits the built-in store, so it never depends on the user's git config. */
export const SEEDS_IDENTITY = { name: 'CommonTrace seeds', email: 'seeds@commontrace.invalid' };

export const seedsStoreRoot = (): string => path.join(getDataDir(), 'stores', SEEDS_STORE_NAME);

/**
 * The built-in store: a git repository in the data dir made from the package's seeds/ on first
 * use, and brought up to date (one commit) when the installed package ships different seeds.
 * It is made in a staging directory and renamed into place, so two processes creating it at
 * once (the SessionStart hook's background build and a `ct search`) never mix their work: the
 * second rename fails and that process uses the first one's store.
 */
export async function ensureSeedsStore(log?: (message: string) => void): Promise<string> {
  const root = seedsStoreRoot();
  const source = path.join(seedsDir(), 'traces');
  const files = (await walkFiles(source)).filter((f) => f.endsWith('.md'));
  const digest = await digestFiles(source, files);
  if (await pathExists(path.join(root, 'ct.yml'))) {
    const stamp = await fs.readFile(localPath(root, 'seeds.json'), 'utf8').then(
      (t) => JSON.parse(t) as { digest?: string },
      () => ({}) as { digest?: string },
    );
    if (stamp.digest === digest) return root;
    log?.(`Updating the built-in seeds store in ${root} (${files.length} traces)`);
    await commitSeeds(root, source, files, digest);
    return root;
  }
  log?.(`Creating the built-in seeds store in ${root} (${files.length} traces)`);
  await removeDeadStagings(root);
  const staging = `${root}${STAGING}${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  try {
    await initStore(staging, {
      name: SEEDS_STORE_NAME,
      description: 'The built-in CommonTrace seed traces',
      identity: SEEDS_IDENTITY,
    });
    await commitSeeds(staging, source, files, digest);
    // A leftover from a run interrupted before this change has no ct.yml: replace it.
    if ((await pathExists(root)) && !(await pathExists(path.join(root, 'ct.yml'))))
      await fs.rm(root, { recursive: true, force: true });
    await fs.rename(staging, root);
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    // Another process put its store in place first: use that one.
    if (await pathExists(path.join(root, 'ct.yml'))) return root;
    throw e;
  }
  return root;
}

const STAGING = '.new-';

/** The seed traces copied into `root`'s traces/, committed as the seeds identity, and the stamp written. */
async function commitSeeds(root: string, source: string, files: string[], digest: string): Promise<void> {
  await fs.rm(path.join(root, 'traces'), { recursive: true, force: true });
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(root, 'traces', file)), { recursive: true });
    await fs.copyFile(path.join(source, file), path.join(root, 'traces', file));
  }
  await fs.mkdir(path.join(root, 'traces'), { recursive: true });
  await fs.writeFile(path.join(root, 'traces', '.gitkeep'), '');
  const env = identityEnv(SEEDS_IDENTITY);
  await runGit(root, ['add', '--all', 'traces'], { env });
  const staged = (await runGit(root, ['diff', '--cached', '--name-only'])).stdout;
  if (staged.trim())
    await runGit(
      root,
      ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', `Import ${files.length} seed traces`],
      { env },
    );
  await writeFileAtomic(localPath(root, 'seeds.json'), `${JSON.stringify({ digest, traces: files.length })}\n`);
}

/** Staging directories of processes that died while creating the store. */
async function removeDeadStagings(root: string): Promise<void> {
  const parent = path.dirname(root);
  const prefix = `${path.basename(root)}${STAGING}`;
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(name.slice(prefix.length));
    if (!name.startsWith(prefix) || !Number.isInteger(pid) || isProcessAlive(pid)) continue;
    await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/**
 * A fingerprint of the packaged seeds from names, sizes and modification times: it runs on every
 * command that falls back to the seeds store, so it stats files instead of reading them.
 */
async function digestFiles(dir: string, files: string[]): Promise<string> {
  const hash = createHash('sha256');
  const stats = await Promise.all(files.map((file) => fs.stat(path.join(dir, file))));
  files.forEach((file, i) => hash.update(`${file}\0${stats[i]?.size}\0${stats[i]?.mtimeMs}\0`));
  return hash.digest('hex').slice(0, 16);
}

let packagedBlobs: Promise<Set<string>> | undefined;

/**
 * The git blob ids of the seed traces this package ships. A trace is a seed (validated without
 * votes) only when its file is byte for byte one of these: who committed it proves nothing, since
 * anyone can commit as "CommonTrace seeds".
 */
export function packagedSeedBlobs(): Promise<Set<string>> {
  packagedBlobs ??= (async () => {
    const source = path.join(seedsDir(), 'traces');
    const files = (await walkFiles(source)).filter((f) => f.endsWith('.md'));
    const contents = await Promise.all(files.map((f) => fs.readFile(path.join(source, f))));
    return new Set(contents.map(gitBlobId));
  })();
  return packagedBlobs;
}

/** True for the built-in seeds store (ct made it from the package; it has no remote, ever). */
export function isBuiltinStore(store: { root: string }): boolean {
  return path.resolve(store.root) === path.resolve(seedsStoreRoot());
}
