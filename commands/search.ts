import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { color } from '../src/cli/format/common.js';
import { indexProgressReporter } from '../src/cli/progress.js';
import type { SearchResult } from '../src/search/schema.js';
import { searchStore } from '../src/search/search.js';

export default class Search extends CtCommand {
  static override summary = 'Search a store, offline.';
  static override description =
    'Hybrid search: full-text BM25 over code-aware tokens fused with embedding similarity, then adjusted for trust, validation, disputes and whether the trace fits your project. With nothing configured it searches the built-in seeds store. `--json` explains every factor under `why`.';
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
    const response = await searchStore(
      store,
      { query, tags: flags.tag ?? [], limit: flags.limit, ...(flags.budget ? { budget: flags.budget } : {}) },
      { log: (m) => this.progress(m), onProgress: progress.onProgress },
    );
    progress.stop();
    if (response.index.traces === 0) this.progress(`no traces: store "${store.name}" is empty`);
    else if (response.results.length === 0)
      this.progress(
        `no traces match "${query}"${response.tags.length ? ` with tags ${response.tags.join(', ')}` : ''} in "${store.name}" (${response.index.traces} traces)`,
      );
    response.results.forEach((r, i) => this.log(formatResult(r, i + 1)));
    if (response.budget?.omitted)
      this.progress(
        `${response.budget.omitted} more result(s) did not fit the budget of ${response.budget.tokens} tokens`,
      );
    return response;
  }
}

function formatResult(r: SearchResult, n: number): string {
  const badges = [
    r.trust.validated ? color.green('validated') : '',
    r.trust.disputed ? color.red(`disputed (${r.trust.flags} flag${r.trust.flags === 1 ? '' : 's'})`) : '',
    r.status === 'deprecated' ? color.yellow('deprecated') : '',
    r.stale.length ? color.yellow('may be stale') : '',
  ]
    .filter(Boolean)
    .join(' ');
  const trust = r.trust.up + r.trust.down > 0 ? `+${r.trust.up}/-${r.trust.down}` : '';
  const why = [
    r.why.matched_terms.length ? `matched: ${r.why.matched_terms.slice(0, 8).join(', ')}` : 'similar meaning',
    ...r.why.adjustments.map((a) => `${a.factor} ${a.delta > 0 ? '+' : ''}${a.delta}`),
  ].join('; ');
  const lines = [
    `${color.bold(`${n}. ${r.title}`)}`,
    `   ${color.dim(r.id)}  ${r.tags.map((t) => color.cyan(t)).join(' ')}  ${[trust, badges].filter(Boolean).join(' ')}`.trimEnd(),
    `   ${r.snippet}`,
    `   ${color.dim(`why: ${why} (score ${r.score.toFixed(3)})`)}`,
  ];
  for (const s of r.stale) lines.push(`   ${color.yellow(`note: ${s}`)}`);
  if (r.detail === 'full')
    lines.push('', indent(`## Context\n${r.context ?? ''}\n\n## Solution\n${r.solution ?? ''}`), '');
  return `${lines.join('\n')}\n`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
