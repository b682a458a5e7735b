import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { identityEnv } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { getDataDir, seedsDir } from '../paths.js';
import { pathExists, walkFiles, writeFileAtomic } from '../util/fs.js';
import { initStore } from './init.js';
import { localPath } from './local.js';
import { SEEDS_STORE_NAME } from './registry.js';

/** The identity that commits the built-in store, so it never depends on the user's git config. */
export const SEEDS_IDENTITY = { name: 'CommonTrace seeds', email: 'seeds@commontrace.invalid' };

export const seedsStoreRoot = (): string => path.join(getDataDir(), 'stores', SEEDS_STORE_NAME);

/**
 * The built-in store: a git repository in the data dir made from the package's seeds/ on first
 * use, and brought up to date (one commit) when the installed package ships different seeds.
 */
export async function ensureSeedsStore(log?: (message: string) => void): Promise<string> {
  const root = seedsStoreRoot();
  const source = path.join(seedsDir(), 'traces');
  const files = (await walkFiles(source)).filter((f) => f.endsWith('.md'));
  const digest = await digestFiles(source, files);
  const stampFile = localPath(root, 'seeds.json');
  if (await pathExists(path.join(root, 'ct.yml'))) {
    const stamp = await fs.readFile(stampFile, 'utf8').then(
      (t) => JSON.parse(t) as { digest?: string },
      () => ({}) as { digest?: string },
    );
    if (stamp.digest === digest) return root;
    log?.(`Updating the built-in seeds store in ${root} (${files.length} traces)`);
  } else {
    log?.(`Creating the built-in seeds store in ${root} (${files.length} traces)`);
    // A leftover from an interrupted first run has no ct.yml: start it again from scratch.
    await fs.rm(root, { recursive: true, force: true });
    await initStore(root, {
      name: SEEDS_STORE_NAME,
      description: 'The built-in CommonTrace seed traces',
      identity: SEEDS_IDENTITY,
    });
  }
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
      {
        env,
      },
    );
  await writeFileAtomic(stampFile, `${JSON.stringify({ digest, traces: files.length })}\n`);
  return root;
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
