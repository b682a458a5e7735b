import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { color, formatProblem, formatTable } from '../src/cli/format.js';
import { checkStore } from '../src/check/run.js';
import { RULES } from '../src/check/rules.js';
import { ExitCode } from '../src/errors.js';
import { findStoreRoot } from '../src/store/store.js';

export default class Check extends CtCommand {
  static override summary = "Validate a store: the store's CI gate, usable locally.";
  static override description = `Checks traces against the trace format (frontmatter schema, sections, tags and aliases, ids), duplicate ids and near-identical titles, secrets (secretlint's recommended preset plus provider key formats), prompt-injection patterns, files under traces/ that are not traces, vote and flag files, and ct.yml itself. Reports every problem in one run and exits ${ExitCode.checkFailed} when there are errors.`;
  static override examples = ['<%= config.bin %> check', '<%= config.bin %> check traces/docker --json', '<%= config.bin %> check --rules'];
  static override enableJsonFlag = true;
  static override strict = false;
  static override args = { paths: Args.string({ description: 'Files or folders to check (default: the whole store).' }) };
  static override flags = {
    ...CtCommand.storeFlag,
    rules: Flags.boolean({ description: 'List the rules and their default severities, then exit.' }),
    'max-warnings': Flags.integer({ description: 'Fail when there are more warnings than this.', min: 0 }),
  };

  async run() {
    const { argv, flags } = await this.parse(Check);
    if (flags.rules) {
      const rules = Object.entries(RULES).map(([id, rule]) => ({ id, severity: rule.severity, summary: rule.summary }));
      this.log(formatTable(rules.map((r) => [r.id, r.severity, r.summary])));
      return { rules };
    }
    // The gate checks the checkout it runs in (CI has no registry); --store picks another.
    const here = flags.store ? undefined : await findStoreRoot(process.cwd());
    const root = here ?? (await this.openStore(flags.store)).root;
    const report = await checkStore(root, { paths: argv as string[] });
    for (const problem of report.problems) this.log(formatProblem(problem));
    const summary = `${report.checked} file(s) checked: ${report.errors} error(s), ${report.warnings} warning(s)`;
    this.progress(report.ok ? color.green(summary) : color.red(summary));
    const tooManyWarnings = flags['max-warnings'] !== undefined && report.warnings > flags['max-warnings'];
    if (!report.ok || tooManyWarnings) process.exitCode = ExitCode.checkFailed;
    return report;
  }
}
