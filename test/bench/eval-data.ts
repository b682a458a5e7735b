import fs from 'node:fs';
import path from 'node:path';
import { getPackageRoot } from '../../src/paths.js';

/** One corpus document of the shared evaluation data (cosqa-dev or tldr). */
export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
  tags: string[];
}

export interface EvalQuery {
  id: string;
  query: string;
  relevant: string[];
  /** Documents to drop from the ranking before scoring (seamonkey-dup: the query's own report). */
  exclude?: string[];
}

/** The labelled retrieval sets, by folder name under evalDir(). */
export const EVAL_SETS = ['cosqa-dev', 'seamonkey-dup'] as const;
export type EvalSetName = (typeof EVAL_SETS)[number];

/**
 * The shared evaluation data lives beside the repository (`../shared/eval`), not in it: it is
 * public data with its own licences. CT_EVAL_DIR points elsewhere.
 */
export const evalDir = (): string => process.env.CT_EVAL_DIR ?? path.resolve(getPackageRoot(), '..', 'shared', 'eval');

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

/** The files a bench needs, or a message naming the first one missing (the bench is then skipped). */
export function missingData(...rel: string[]): string | undefined {
  const missing = rel.map((r) => path.join(evalDir(), r)).find((f) => !fs.existsSync(f));
  return missing
    ? `skipped: evaluation data ${missing} is absent (see /work/shared/eval/README.md; CT_EVAL_DIR overrides the folder)`
    : undefined;
}

export const loadCosqaCorpus = (): CorpusDoc[] =>
  readJsonl<CorpusDoc>(path.join(evalDir(), 'cosqa-dev', 'corpus.jsonl'));
export const loadCosqaQueries = (): EvalQuery[] =>
  readJsonl<EvalQuery>(path.join(evalDir(), 'cosqa-dev', 'queries.jsonl'));
export const loadEvalCorpus = (set: EvalSetName): CorpusDoc[] =>
  readJsonl<CorpusDoc>(path.join(evalDir(), set, 'corpus.jsonl'));
export const loadEvalQueries = (set: EvalSetName): EvalQuery[] =>
  readJsonl<EvalQuery>(path.join(evalDir(), set, 'queries.jsonl'));
export const loadTldrCorpus = (): CorpusDoc[] => readJsonl<CorpusDoc>(path.join(evalDir(), 'tldr', 'corpus.jsonl'));
