import fs from 'node:fs';
import path from 'node:path';
import { CtError, ExitCode, NotFoundError } from '../errors.js';
import { getDataDir } from '../paths.js';
import type { Embedder } from './embedding.js';

type Transformers = typeof import('@xenova/transformers');

const PACKAGE = '@xenova/transformers';
const BATCH = 16;
// A Hugging Face hub id: `name` or `owner/name`. Anything else that is not a folder is a typo'd path.
const HUB_ID = /^[\w.-]+(\/[\w.-]+)?$/;
const MODEL_FILES =
  'config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or onnx/model_quantized.onnx)';

// transformers.js configures itself through one global `env`; loads are serialised so two models
// (a local folder and a hub id) never read each other's settings.
let queue: Promise<unknown> = Promise.resolve();

/**
 * A transformers.js feature-extraction model (mean-pooled, L2-normalised) from a local folder
 * (loaded offline) or a Hugging Face hub id (downloaded once into the data dir).
 * `@xenova/transformers` is optional: it is loaded only when such a model is asked for.
 */
export function loadTransformersEmbedder(model: string): Promise<Embedder> {
  const pending = queue.then(() => createEmbedder(model));
  queue = pending.catch(() => undefined);
  return pending;
}

async function createEmbedder(model: string): Promise<Embedder> {
  const folder = path.resolve(model);
  const local = fs.existsSync(folder) && fs.statSync(folder).isDirectory();
  if (!local && !HUB_ID.test(model)) {
    throw new NotFoundError(
      'model-not-found',
      `the model folder ${folder} does not exist`,
      `point embedding.model at a folder holding ${MODEL_FILES}, as transformers:<folder>`,
      { model },
    );
  }
  const { env, pipeline } = await importTransformers();
  // Hub downloads are cached with ct's own data, not inside node_modules where a reinstall drops them.
  const cacheDir = path.join(getDataDir(), 'models');
  env.cacheDir = cacheDir;
  env.allowLocalModels = local;
  env.allowRemoteModels = !local;
  // transformers.js joins localModelPath and the model id with '/', so a folder is split into both.
  if (local) env.localModelPath = `${path.dirname(folder)}/`;
  const id = local ? path.basename(folder) : model;

  let extract: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    // Real exports ship both files; the fp32 one is more accurate, so the quantized one is only a fallback.
    const quantized =
      local &&
      !fs.existsSync(path.join(folder, 'onnx', 'model.onnx')) &&
      fs.existsSync(path.join(folder, 'onnx', 'model_quantized.onnx'));
    extract = await pipeline('feature-extraction', id, { quantized, local_files_only: local });
  } catch (e) {
    const reason = (e as Error).message;
    if (local)
      throw new CtError('model-invalid', `the model in ${folder} cannot be loaded: ${reason}`, {
        hint: `a transformers.js model folder holds ${MODEL_FILES}`,
        exit: ExitCode.usage,
        cause: e,
      });
    throw new CtError(
      'model-download-failed',
      `the model ${model} could not be downloaded from the Hugging Face hub: ${reason}`,
      {
        hint: `to work offline, put the model's ${MODEL_FILES} in a folder (a connected machine caches them in ${path.join(cacheDir, model)}) and set embedding.model to transformers:<that folder>`,
        exit: ExitCode.network,
        cause: e,
      },
    );
  }

  const embed = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    // Batches bound the padded [batch, tokens, hidden] tensor: one long trace pads all the others.
    for (let i = 0; i < texts.length; i += BATCH) {
      const tensor = await extract(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
      const data = Float32Array.from(tensor.data as ArrayLike<number>);
      const dim = tensor.dims[1] as number;
      for (let row = 0; row < (tensor.dims[0] as number); row++) out.push(data.slice(row * dim, (row + 1) * dim));
    }
    return out;
  };
  // The hidden size is whatever the model outputs; one probe is cheaper than trusting every config.json.
  const [probe] = await embed(['probe']);
  return { id: `transformers:${model}`, dim: probe?.length ?? 0, embed };
}

async function importTransformers(): Promise<Transformers> {
  try {
    return await import('@xenova/transformers');
  } catch (e) {
    const missing =
      (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (e as Error).message.includes(PACKAGE);
    throw new CtError(
      'model-unavailable',
      missing
        ? `transformers.js models need the optional package ${PACKAGE}, which is not installed`
        : `${PACKAGE} cannot be loaded: ${(e as Error).message}`,
      {
        hint: `run \`npm install ${PACKAGE}\` next to commontrace (the same global or project node_modules), or use the default model`,
        exit: ExitCode.usage,
        cause: e,
      },
    );
  }
}
