import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Embedder, loadEmbedder } from '../../src/embed/embedder.js';
import { isCtError } from '../../src/errors.js';
import { updateIndex } from '../../src/index/build.js';
import { readIndexState } from '../../src/index/state.js';
import { searchStores } from '../../src/search/search.js';
import { openStore } from '../../src/store/store.js';
import { commitAll, makeStore, writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

// No real transformers.js model is reachable offline, so the suite builds a tiny random BERT-shaped
// one (test/helpers/tiny-bert.py) with the `onnx` Python module. Debian's python3-onnx lands in
// /usr/bin/python3, which a pyenv or venv `python3` on PATH may not see, hence the candidates.
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/tiny-bert.py');
const python = [process.env.PYTHON, 'python3', '/usr/bin/python3'].find((candidate) => {
  if (!candidate) return false;
  try {
    execFileSync(candidate, ['-c', 'import onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const MISSING = 'python3 with the onnx module is missing (apt-get install python3-onnx)';
// .ci/run installs python3-onnx: in CI a skip would hide a broken install, so it fails instead.
if (!python && process.env.CI) throw new Error(`transformers.js tests cannot run: ${MISSING}`);

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);
const ID = (n: number) => `01KC${String(n).padStart(21, '0')}A`;
const body = (context: string, solution: string) => `## Context\n${context}\n\n## Solution\n${solution}\n`;

describe.skipIf(!python)(
  python ? 'transformers.js embedder (tiny generated BERT)' : `transformers.js embedder: skipped, ${MISSING}`,
  () => {
    let folder: string;
    let embedder: Embedder;

    beforeAll(async () => {
      folder = path.join(tempDir('ct-tiny-bert-'), 'tiny-bert');
      execFileSync(python as string, [SCRIPT, folder], { stdio: ['ignore', 'ignore', 'pipe'] });
      embedder = await loadEmbedder(`transformers:${folder}`);
    });

    it('loads a local folder offline, with the id as given and the dim the model outputs', () => {
      expect(embedder.id).toBe(`transformers:${folder}`);
      expect(embedder.dim).toBe(32);
    });

    it('returns unit vectors, the same one for the same text, in any batch', async () => {
      const texts = Array.from(
        { length: 37 },
        (_, i) => `trace ${i}: the server fails with connection refused on port ${i}`,
      );
      texts.push('Docker compose healthcheck for PostgreSQL', 'Docker compose healthcheck for PostgreSQL');
      const vectors = await embedder.embed(texts);
      expect(vectors).toHaveLength(texts.length);
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(32);
        expect(cosine(v, v)).toBeCloseTo(1, 5);
      }
      expect(vectors[37]).toEqual(vectors[38]);
      const [alone] = await embedder.embed([texts[5] as string]);
      for (const [i, x] of (alone as Float32Array).entries())
        expect(x).toBeCloseTo((vectors[5] as Float32Array)[i] as number, 5);
    });

    it('puts a near paraphrase closer than an unrelated text', async () => {
      const [text, paraphrase, unrelated] = (await embedder.embed([
        'docker compose app fails to start: postgres connection refused',
        'postgres connection refused when docker compose starts the app',
        'python pip install permission denied for the user',
      ])) as [Float32Array, Float32Array, Float32Array];
      expect(cosine(text, paraphrase)).toBeGreaterThan(cosine(text, unrelated));
      expect(cosine(paraphrase, text)).toBeGreaterThan(cosine(paraphrase, unrelated));
    });

    it('reports a missing or incomplete folder as a CtError', async () => {
      const missing = path.join(os.tmpdir(), 'ct-no-such-model', 'tiny-bert');
      await expect(loadEmbedder(`transformers:${missing}`)).rejects.toMatchObject({
        code: 'model-not-found',
        exit: 4,
        message: expect.stringContaining(missing),
      });
      const incomplete = path.join(tempDir('ct-bad-model-'), 'no-onnx');
      fs.mkdirSync(incomplete);
      fs.copyFileSync(path.join(folder, 'config.json'), path.join(incomplete, 'config.json'));
      const error: unknown = await loadEmbedder(`transformers:${incomplete}`).catch((e: unknown) => e);
      expect(isCtError(error) && error.code).toBe('model-invalid');
      expect(isCtError(error) && error.hint).toMatch(/onnx\/model\.onnx/);
    });

    it('indexes and searches a store whose ct.yml names the model', async () => {
      const root = await makeStore('tiny-bert');
      fs.appendFileSync(path.join(root, 'ct.yml'), `\nembedding:\n  model: transformers:${folder}\n`);
      writeFile(
        root,
        'traces/testing/redis.md',
        traceText({
          id: ID(1),
          title: 'Redis connection refused inside docker compose',
          tags: '[redis, docker-compose]',
          body: body('redis connection refused at localhost:6379', 'use the service name redis:6379'),
        }),
      );
      writeFile(
        root,
        'traces/testing/pip.md',
        traceText({
          id: ID(2),
          title: 'pip install permission denied',
          tags: '[python, pip]',
          body: body('pip install fails with permission denied', 'use a virtual env or pip install --user'),
        }),
      );
      commitAll(root, 'traces');
      const store = await openStore(root, 'flag');
      expect(await updateIndex(store)).toMatchObject({ model: `transformers:${folder}`, traces: 2, embedded: 2 });
      expect(await readIndexState(root)).toMatchObject({ model: `transformers:${folder}`, dim: 32 });
      expect((await searchStores([store], { query: 'redis refused in docker compose' })).results[0]?.id).toBe(ID(1));
      expect((await searchStores([store], { query: 'pip permission denied' })).results[0]?.id).toBe(ID(2));
    });
  },
);

describe('transformers.js embedder without @xenova/transformers', () => {
  afterAll(() => {
    vi.doUnmock('@xenova/transformers');
    vi.resetModules();
  });

  // vitest wraps a throwing mock factory in its own error, so this checks the code and hint both
  // failure branches share rather than the "not installed" wording Node's ERR_MODULE_NOT_FOUND gets.
  it('says how to install the optional package', async () => {
    vi.resetModules();
    vi.doMock('@xenova/transformers', () => {
      throw Object.assign(new Error("Cannot find package '@xenova/transformers' imported from transformers.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    const { loadTransformersEmbedder } = await import('../../src/embed/transformers.js');
    await expect(loadTransformersEmbedder(os.tmpdir())).rejects.toMatchObject({
      code: 'model-unavailable',
      exit: 2,
      hint: expect.stringContaining('npm install @xenova/transformers'),
    });
  });
});
