import type { SearchResponse } from '../search/schema.js';
import { searchStores } from '../search/search.js';
import { selectStores } from '../store/select.js';
import { formatSearchResult } from './format/search.js';
import { indexProgressReporter } from './progress.js';

/** `ct search`'s flags, as oclif or the fast path (src/fast/main.ts) parsed them. */
export interface SearchCommandInput {
  query: string;
  store?: string[];
  tag?: string[];
  limit: number;
  budget?: number;
}

export interface CommandOutput {
  /** A line of data (stdout; oclif leaves it out with --json). */
  log: (line: string) => void;
  /** Progress and notes (stderr). */
  progress: (message: string) => void;
}

/** The body of `ct search`, shared by the oclif command and the fast path: the response is its --json. */
export async function runSearchCommand(input: SearchCommandInput, out: CommandOutput): Promise<SearchResponse> {
  const { query } = input;
  const { stores, skipped } = await selectStores({ stores: input.store, log: out.progress });
  for (const s of skipped) out.progress(`warning: store "${s.name}" skipped: ${s.reason}`);
  const progress = indexProgressReporter();
  const response = await searchStores(
    stores,
    { query, tags: input.tag ?? [], limit: input.limit, ...(input.budget ? { budget: input.budget } : {}) },
    { log: out.progress, onProgress: progress.onProgress },
  );
  progress.stop();
  const traces = response.stores.reduce((sum, s) => sum + s.traces, 0);
  const names = response.stores.map((s) => `"${s.name}"`).join(', ');
  if (traces === 0) out.progress(`no traces: ${names} ${response.stores.length > 1 ? 'are' : 'is'} empty`);
  else if (response.results.length === 0)
    out.progress(
      `no traces match "${query}"${response.tags.length ? ` with tags ${response.tags.join(', ')}` : ''} in ${names} (${traces} traces)`,
    );
  const showStore = response.stores.length > 1;
  response.results.forEach((r, i) => out.log(formatSearchResult(r, i + 1, showStore)));
  if (response.budget?.omitted)
    out.progress(
      `${response.budget.omitted} more result(s) did not fit the budget of ${response.budget.tokens} tokens`,
    );
  return response;
}
