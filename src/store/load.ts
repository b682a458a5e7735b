import fs from 'node:fs/promises';
import path from 'node:path';
import { type ParsedTrace, parseTrace } from '../trace/parse.js';
import type { Problem } from '../trace/problem.js';
import type { Trace } from '../trace/schema.js';
import { readManyFiles, walkFiles } from '../util/fs.js';

export const TRACES_DIR = 'traces';

export interface TraceFile {
  /** Path relative to the store root, with forward slashes. */
  file: string;
  text: string;
  parsed: ParsedTrace;
}

/** Every `traces/**\/*.md` path of a checkout, committed or not, relative to its root. */
export async function listTraceFiles(root: string): Promise<string[]> {
  return walkFiles(path.join(root, TRACES_DIR), { suffix: '.md', prefix: `${TRACES_DIR}/` });
}

/** Reads and parses trace files (see readManyFiles); a file that cannot be read throws its error. */
export async function readTraceFiles(root: string, files: readonly string[]): Promise<TraceFile[]> {
  const contents = await readManyFiles(files.map((file) => path.join(root, file)));
  const out: TraceFile[] = [];
  for (const [i, file] of files.entries()) {
    const text = contents[i]?.toString('utf8') ?? (await fs.readFile(path.join(root, file), 'utf8'));
    out.push({ file, text, parsed: parseTrace(text, file) });
  }
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
