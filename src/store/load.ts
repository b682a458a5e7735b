import fs from 'node:fs/promises';
import path from 'node:path';
import { type ParsedTrace, parseTrace } from '../trace/parse.js';
import type { Problem } from '../trace/problem.js';
import type { Trace } from '../trace/schema.js';
import { walkFiles } from '../util/fs.js';

export const TRACES_DIR = 'traces';

export interface TraceFile {
  /** Path relative to the store root, with forward slashes. */
  file: string;
  text: string;
  parsed: ParsedTrace;
}

/** Every `traces/**\/*.md` path of a checkout, committed or not, relative to its root. */
export async function listTraceFiles(root: string): Promise<string[]> {
  return (await walkFiles(path.join(root, TRACES_DIR)))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `${TRACES_DIR}/${f}`);
}

/** Reads and parses trace files with bounded concurrency. */
export async function readTraceFiles(root: string, files: readonly string[], concurrency = 32): Promise<TraceFile[]> {
  const out: TraceFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as string;
      const text = await fs.readFile(path.join(root, file), 'utf8');
      out[index] = { file, text, parsed: parseTrace(text, file) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

/**
 * The valid traces of a checkout. Files that fail to parse are skipped; their problems are
 * returned so callers can warn (a broken trace never breaks search or listing).
 */
export async function loadTraces(root: string): Promise<{ traces: Trace[]; problems: Problem[] }> {
  const files = await readTraceFiles(root, await listTraceFiles(root));
  const traces: Trace[] = [];
  const problems: Problem[] = [];
  for (const { parsed } of files) {
    if (parsed.trace) traces.push(parsed.trace);
    else problems.push(...parsed.problems.filter((p) => p.severity === 'error'));
  }
  return { traces, problems };
}
