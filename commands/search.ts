import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { runSearchCommand } from '../src/cli/search-command.js';

export default class Search extends CtCommand {
  static override summary = 'Search every subscribed store (or the ones named), offline.';
  static override description =
    'Hybrid search: full-text BM25 over code-aware tokens fused with embedding similarity, then ' +
    'adjusted for trust, validation, disputes and whether the trace fits your project. It searches ' +
    'the store containing the current directory, every registered store and the built-in seeds store ' +
    '(unless removed), in one ranked list: each result names its store, a store weight scales its ' +
    'relevance, and a trace held by several stores is shown once. A store that cannot be searched is ' +
    'skipped with a warning. `--json` explains every factor under `why`.';
  static override examples = [
    '<%= config.bin %> search "react useEffect runs twice"',
    '<%= config.bin %> search "connection refused" --tag docker-compose --limit 3',
    '<%= config.bin %> search "ERR_REQUIRE_ESM" --budget 2000 --json',
    '<%= config.bin %> search "flaky test" --store team --store seeds',
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
    store: Flags.string({
      char: 's',
      description:
        'Search only this store (a registered name or a path); repeat for several. Default: every subscribed store.',
      env: 'CT_STORE',
      multiple: true,
      helpValue: '<name|path>',
    }),
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
    return runSearchCommand(
      {
        query: (argv as string[]).join(' '),
        // From CT_STORE oclif hands a multiple flag one string, not a list.
        store: flags.store === undefined ? undefined : ([] as string[]).concat(flags.store),
        tag: flags.tag,
        limit: flags.limit,
        budget: flags.budget,
      },
      { log: (line) => this.log(line), progress: (m) => this.progress(m) },
    );
  }
}
