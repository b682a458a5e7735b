import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanHighEntropyTokens } from '../../src/check/high-entropy-tokens.js';
import { isKnownExample } from '../../src/check/secret-allowlist.js';
import { scanAssignments } from '../../src/check/secret-assignments.js';
import { scanSecrets } from '../../src/check/secrets.js';
import { seedsDir } from '../../src/paths.js';
import { walkFiles } from '../../src/util/fs.js';
import { secretFormats } from '../helpers/secret-formats.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loadCosqaCorpus, loadTldrCorpus, missingData } from './eval-data.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/run.js');

interface Doc {
  id: string;
  text: string;
}

async function seedDocs(): Promise<Doc[]> {
  const dir = path.join(seedsDir(), 'traces');
  const files = (await walkFiles(dir)).filter((f) => f.endsWith('.md'));
  return files.map((f) => ({ id: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** False positives of the whole scanner on one corpus: every finding there is one (no real keys). */
async function falsePositives(docs: readonly Doc[]) {
  const kinds: Record<string, number> = {};
  const examples: string[] = [];
  let flagged = 0;
  const started = performance.now();
  for (const doc of docs) {
    const findings = await scanSecrets(doc.text, 'trace.md');
    if (findings.length > 0) flagged++;
    for (const f of findings) {
      kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
      if (examples.length < 10) examples.push(`${doc.id}:${f.line} ${f.kind} ${f.preview}`);
    }
  }
  return {
    docs: docs.length,
    flagged_docs: flagged,
    false_positive_rate: Number((flagged / Math.max(docs.length, 1)).toFixed(5)),
    findings_by_kind: kinds,
    examples,
    scan_ms: Math.round(performance.now() - started),
  };
}

/** Documents the entropy detectors alone would flag with their thresholds shifted by `margin` bits. */
function sweep(docs: readonly Doc[]) {
  const margins = [-1, -0.5, -0.25, 0, 0.25];
  const count = (scan: (text: string, margin: number) => { start: number; end: number }[], margin: number) =>
    docs.filter((d) => scan(d.text, margin).some((m) => !isKnownExample(d.text.slice(m.start, m.end)))).length;
  return Object.fromEntries(
    margins.map((m) => [
      `margin_${m}`,
      { high_entropy_docs: count(scanHighEntropyTokens, m), assignment_docs: count(scanAssignments, m) },
    ]),
  );
}

/** Whole-process wall time of `ct check` on the seeds store (median of `runs`, after one warm-up). */
function timeCheck(runs = 5) {
  const home = tempDir('ct-bench-');
  const env = { ...process.env, CT_HOME: home, NO_COLOR: '1' };
  spawnSync(process.execPath, [BIN, 'status'], { env, stdio: 'ignore' }); // creates the seeds store
  const store = path.join(home, 'stores', 'seeds');
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [BIN, 'check', '--store', store], { env, stdio: 'pipe' });
    if (result.status !== 0) throw new Error(`ct check failed on the seeds: ${result.stdout}${result.stderr}`);
    if (i > 0) times.push(performance.now() - started);
  }
  fs.rmSync(home, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { median_ms: Math.round(times[times.length >> 1] as number), min_ms: Math.round(times[0] as number), runs };
}

/**
 * The secret scanner: detection of every planted format (test/helpers/secret-formats.ts), false
 * positives on the seeds and on real prose and code (tldr pages, CoSQA code), how far the entropy
 * thresholds sit from the first false positive, and the time of `ct check` on the seeds.
 */
export async function benchSecrets(): Promise<Record<string, unknown>> {
  const formats = secretFormats();
  let caught = 0;
  const missed: string[] = [];
  for (const format of formats) {
    if ((await scanSecrets(format.text)).length > 0) caught++;
    else missed.push(format.name);
  }
  const corpora: Record<string, Doc[]> = { seeds: await seedDocs() };
  const absent = missingData('tldr/corpus.jsonl', 'cosqa-dev/corpus.jsonl');
  if (!absent) {
    corpora.tldr = loadTldrCorpus();
    corpora.cosqa = loadCosqaCorpus();
  }
  const result: Record<string, unknown> = {
    formats: { total: formats.length, caught, missed },
    ...(absent ? { corpora_skipped: absent } : {}),
  };
  for (const [name, docs] of Object.entries(corpora))
    result[name] = { ...(await falsePositives(docs)), threshold_sweep: sweep(docs) };
  result.ct_check_seeds = timeCheck();
  return result;
}
