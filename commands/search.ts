import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatSearchResult } from '../src/cli/format/search.js';
import { indexProgressReporter } from '../src/cli/progress.js';
import { searchStores } from '../src/search/search.js';

export default class Search extends CtCommand {
  static override summary = 'Search a store, offline.';
  static override description =
    'Hybrid search: full-text BM25 over code-aware tokens fused with embedding similarity, then ' +
    'adjusted for trust, validation, disputes and whether the trace fits your project. With nothing ' +
    'configured it searches the built-in seeds store. `--json` explains every factor under `why`.';
  static override examples = [
    '<%= config.bin %> search "react useEffect runs twice"',
    '<%= config.bin %> search "connection refused" --tag docker-compose --limit 3',
    '<%= config.bin %> search "ERR_REQUIRE_ESM" --budget 2000 --json',
  ];
  static override enableJsonFlag = true;
  static override strict = false;
  static override args = {
    query: Args.string({
      description: 'What you are looking for: an error message, a task, API names.',
      required: true,
    }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    tag: Flags.string({
      char: 't',
      description: 'Only traces with this tag (repeatable: all must match).',
      multiple: true,
    }),
    limit: Flags.integer({ char: 'n', description: 'The most results to show.', default: 5, min: 1, max: 100 }),
    budget: Flags.integer({
      description: 'Token budget: whole traces while they fit, best first, then snippets.',
      min: 50,
    }),
  };

  async run() {
    const { argv, flags } = await this.parse(Search);
    const query = (argv as string[]).join(' ');
    const store = await this.openStore(flags.store);
    const progress = indexProgressReporter();
    const response = await searchStores(
      [store],
      { query, tags: flags.tag ?? [], limit: flags.limit, ...(flags.budget ? { budget: flags.budget } : {}) },
      { log: (m) => this.progress(m), onProgress: progress.onProgress },
    );
    progress.stop();
    const traces = response.stores[0]?.traces ?? 0;
    if (traces === 0) this.progress(`no traces: store "${store.name}" is empty`);
    else if (response.results.length === 0)
      this.progress(
        `no traces match "${query}"${response.tags.length ? ` with tags ${response.tags.join(', ')}` : ''} in "${store.name}" (${traces} traces)`,
      );
    response.results.forEach((r, i) => this.log(formatSearchResult(r, i + 1)));
    if (response.budget?.omitted)
      this.progress(
        `${response.budget.omitted} more result(s) did not fit the budget of ${response.budget.tokens} tokens`,
      );
    return response;
  }
}
