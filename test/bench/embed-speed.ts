import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_MODEL, loadEmbedder, USE_LITE_STATIC_MODEL } from '../../src/embed/embedder.js';
import { embeddingText } from '../../src/index/document.js';
import { loadTldrCorpus, missingData } from './eval-data.js';
import { median } from './timing.js';

const EMBEDDER_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/embed/embedder.js');
const LOAD_RUNS = 7;
const SPEED_ROUNDS = 3;

/** Milliseconds from a fresh process's first import of the embedder module to a loaded model. */
function freshLoadMs(model: string): number {
  const script = `const t = performance.now();
const { loadEmbedder } = await import(${JSON.stringify(pathToFileURL(EMBEDDER_MODULE).href)});
await loadEmbedder(${JSON.stringify(model)});
process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${model} failed: ${run.stderr}`);
  return Number(run.stdout);
}

/**
 * Load time (fresh process, median of 7) and embedding throughput (one thread, as `ct index` embeds)
 * of the previous and the current default model on the tldr pages as traces (title, tags, page as
 * the Context: the text `ct index` embeds).
 */
export async function benchEmbedSpeed(): Promise<Record<string, unknown>> {
  const missing = missingData('tldr/corpus.jsonl');
  if (missing) return { skipped: missing };
  const texts = loadTldrCorpus().map((d) =>
    embeddingText({ title: d.title, tags: d.tags, sections: { context: d.text, solution: '' } }),
  );
  const out: Record<string, unknown> = {
    texts: texts.length,
    mean_chars: Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length),
  };
  for (const model of [USE_LITE_STATIC_MODEL, DEFAULT_MODEL]) {
    const load = Array.from({ length: LOAD_RUNS }, () => freshLoadMs(model));
    const embedder = await loadEmbedder(model);
    await embedder.embed(texts.slice(0, 500)); // warm-up: JIT and the word cache
    const rates: number[] = [];
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      const started = performance.now();
      await embedder.embed(texts);
      rates.push(texts.length / ((performance.now() - started) / 1000));
    }
    out[model] = {
      dim: embedder.dim,
      load_ms_fresh_process: { median: Math.round(median(load)), min: Math.round(Math.min(...load)), runs: LOAD_RUNS },
      texts_per_s_one_thread: { median: Math.round(median(rates)), rounds: SPEED_ROUNDS },
    };
  }
  return out;
}
