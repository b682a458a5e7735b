import { Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatEvalReport } from '../src/cli/format/eval.js';
import { indexProgressReporter } from '../src/cli/progress.js';
import { ExitCode } from '../src/errors.js';
import { evaluateStore } from '../src/eval/run.js';

export default class Eval extends CtCommand {
  static override summary = "Measure search on the store's labelled queries: recall, MRR, nDCG with 95% intervals.";
  static override description =
    "Runs every query of the store's queries file (ct.yml eval.queries, default eval/queries.yml: a YAML list of " +
    '`- query: "..."` with `relevant: [trace ids]`) through the same search as `ct search` and reports ' +
    'recall@5, recall@10, MRR@10 and nDCG@10, each with a 95% bootstrap interval over the queries. ' +
    '--against <ref> runs the same queries on another commit of the store (a temporary worktree with its own ' +
    'index) and reports the paired difference with its interval: an interval above zero means this version ' +
    `finds more. Floors in ct.yml (eval: { min_recall_at_10: 0.8 }) make it exit ${ExitCode.evalBelowFloor} ` +
    "when a metric is below them, the gate the store template's CI runs. --fit tries lexical weights 0.30 to " +
    '1.00 for the fusion of BM25 and vector similarity on the same queries and says which one to set as ' +
    'search.lexical_weight in ct.yml, with its gain measured on held-out halves of the queries. ' +
    'A malformed entry or an id no trace has is an error naming its line.';
  static override examples = [
    '<%= config.bin %> eval',
    '<%= config.bin %> eval --against main',
    '<%= config.bin %> eval --against-model use-lite-static-v1',
    '<%= config.bin %> eval --fit',
    '<%= config.bin %> eval --store team --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...CtCommand.storeFlag,
    against: Flags.string({
      description: 'A commit, tag or branch of the store to compare with (paired bootstrap of the difference).',
      helpValue: '<git-ref>',
    }),
    'against-model': Flags.string({
      description:
        'An embedding model to compare with (e.g. use-lite-static-v1): the same queries on the commit of --against ' +
        '(default HEAD, so uncommitted traces are left out of that side) indexed with this model.',
      helpValue: '<model>',
    }),
    fit: Flags.boolean({
      description:
        "Fit the fusion's lexical weight (ct.yml search.lexical_weight) on the queries: every weight from 0.30 to " +
        '1.00, the best, and its gain on held-out halves of the queries.',
    }),
  };

  async run() {
    const { flags } = await this.parse(Eval);
    const store = await this.openStore(flags.store);
    const progress = indexProgressReporter();
    const report = await evaluateStore(store, {
      ...(flags.against ? { against: flags.against } : {}),
      ...(flags['against-model'] ? { againstModel: flags['against-model'] } : {}),
      ...(flags.fit ? { fit: true } : {}),
      log: (m) => this.progress(m),
      onProgress: progress.onProgress,
    });
    progress.stop();
    if (!this.jsonEnabled()) this.log(formatEvalReport(report));
    if (!report.passed) {
      const below = report.floors.filter((f) => !f.passed);
      this.progress(
        `ct eval: below the floor of ct.yml: ${below.map((f) => `${f.metric} ${f.value} < ${f.floor}`).join(', ')}`,
      );
      process.exitCode = ExitCode.evalBelowFloor;
    }
    return report;
  }
}
