import { titleTokens } from '../check/similar-titles.js';
import { loadEmbedder } from '../embed/embedder.js';
import { runGit } from '../git/run.js';
import { embeddingText } from '../index/document.js';
import { modelFor } from '../index/model.js';
import { searchStores } from '../search/search.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';

export interface DuplicateCandidate {
  id: string;
  title: string;
  path: string;
  similarity: number;
  /** Set when the similar trace is still on an open contribution branch, not merged yet. */
  branch?: string;
}

/** Above this, a contribution is treated as a near-duplicate and needs --force. */
export const DUPLICATE_THRESHOLD = 0.85;
/** Open contribution branches looked at, newest first. */
const MAX_OPEN_BRANCHES = 50;

interface Candidate {
  id: string;
  title: string;
  path: string;
  tags: string[];
  context: string;
  solution: string;
  branch?: string;
}

/**
 * Traces that look like the same problem: the top search hits in the store, plus traces added by
 * open contribution branches (ct/trace/*, local or fetched from the remote) that nobody merged
 * yet, so two agents solving the same problem the same day do not open two pull requests. Each
 * is scored by the larger of title token overlap (Jaccard) and the cosine similarity of their
 * embeddings.
 */
export async function findNearDuplicates(
  store: Store,
  draft: { title: string; tags: string[]; context: string; solution: string },
  log?: (m: string) => void,
  base = 'HEAD',
): Promise<DuplicateCandidate[]> {
  const query = `${draft.title} ${draft.context.slice(0, 300)}`.slice(0, 1000);
  const response = await searchStores([store], { query, limit: 5, detail: 'full' }, { ...(log ? { log } : {}) });
  const candidates: Candidate[] = [
    ...response.results.map((r) => ({
      id: r.id,
      title: r.title,
      path: r.path,
      tags: r.tags,
      context: r.context ?? '',
      solution: r.solution ?? '',
    })),
    ...(await openBranchTraces(store, base)),
  ];
  if (candidates.length === 0) return [];
  const embedder = await loadEmbedder(modelFor(store));
  const texts = [
    embeddingText({ ...draft, sections: { context: draft.context, solution: draft.solution } }),
    ...candidates.map((c) =>
      embeddingText({ title: c.title, tags: c.tags, sections: { context: c.context, solution: c.solution } }),
    ),
  ];
  const [mine, ...theirs] = await embedder.embed(texts);
  const myTokens = new Set(titleTokens(draft.title));
  const seen = new Set<string>();
  return candidates
    .map((c, i) => {
      const other = new Set(titleTokens(c.title));
      const shared = [...myTokens].filter((t) => other.has(t)).length;
      const jaccard = shared / (myTokens.size + other.size - shared || 1);
      const cosine = dot(mine as Float32Array, theirs[i] as Float32Array);
      return {
        id: c.id,
        title: c.title,
        path: c.path,
        similarity: Math.round(Math.max(jaccard, cosine) * 100) / 100,
        ...(c.branch ? { branch: c.branch } : {}),
      };
    })
    .filter((c) => c.similarity >= DUPLICATE_THRESHOLD && !seen.has(c.id) && seen.add(c.id))
    .sort((a, b) => b.similarity - a.similarity);
}

/** Trace files added by open ct/trace/* branches relative to `base`, read straight from git. */
async function openBranchTraces(store: Store, base: string): Promise<Candidate[]> {
  const remote = store.config.forge.remote;
  const refs = await runGit(store.root, [
    'for-each-ref',
    '--sort=-committerdate',
    `--count=${MAX_OPEN_BRANCHES}`,
    '--format=%(refname)',
    `refs/remotes/${remote}/ct/trace/`,
    'refs/heads/ct/trace/',
  ]).then(
    (r) => r.stdout.split('\n').filter(Boolean),
    () => [],
  );
  const out: Candidate[] = [];
  for (const ref of refs) {
    const added = await runGit(store.root, [
      'diff',
      '--name-only',
      '--diff-filter=A',
      `${base}...${ref}`,
      '--',
      'traces/',
    ]).then(
      (r) => r.stdout.split('\n').filter((f) => f.endsWith('.md')),
      () => [],
    );
    for (const file of added.slice(0, 5)) {
      const text = await runGit(store.root, ['show', `${ref}:${file}`]).then(
        (r) => r.stdout,
        () => '',
      );
      const trace = parseTrace(text, file).trace;
      if (trace)
        out.push({
          id: trace.id,
          title: trace.title,
          path: file,
          tags: trace.tags,
          context: trace.sections.context,
          solution: trace.sections.solution,
          branch: ref.replace(/^refs\/(remotes\/[^/]+|heads)\//, ''),
        });
    }
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
