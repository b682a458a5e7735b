import { Args, Flags } from '@oclif/core';
import { RULES } from '../src/check/rules.js';
import { checkStore } from '../src/check/run.js';
import { CtCommand } from '../src/cli/base.js';
import { color, formatProblem, formatTable } from '../src/cli/format/common.js';
import { ExitCode } from '../src/errors.js';
import { findStoreRoot } from '../src/store/store.js';

export default class Check extends CtCommand {
  static override summary = "Validate a store: the store's CI gate, usable locally.";
  static override description =
    `Checks traces against the trace format (frontmatter schema, sections, tags and aliases, ids), duplicate ids and near-identical titles, secrets in every committable file (secretlint's recommended preset, gitleaks' default rules, provider formats, values of secret-named keys and random-looking strings; placeholders, documented examples and ct.yml policy.secrets.allow pass), prompt-injection patterns, files under traces/ that are not traces, vote and flag files, and ct.yml itself. With --base <ref> (in CI: the pull request's base) it also checks the commits in <ref>..HEAD: every vote or flag file is written by the voter it is named after (and signed, where ct.yml sets policy.require_signed_votes), and at most policy.max_traces_per_pr traces are added. Reports every problem in one run and exits ${ExitCode.checkFailed} when there are errors.`;
  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check traces/docker --json',
    '<%= config.bin %> check --base origin/main',
    '<%= config.bin %> check --rules',
  ];
  static override enableJsonFlag = true;
  static override strict = false;
  static override args = {
    paths: Args.string({ description: 'Files or folders to check (default: the whole store).' }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    rules: Flags.boolean({ description: 'List the rules and their default severities, then exit.' }),
    'max-warnings': Flags.integer({ description: 'Fail when there are more warnings than this.', min: 0 }),
    base: Flags.string({
      description:
        "Also check the commits in <ref>..HEAD (vote and flag integrity, traces per change); in CI the pull request's base, e.g. origin/main.",
      helpValue: '<ref>',
    }),
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
    const report = await checkStore(root, { paths: argv as string[], ...(flags.base ? { base: flags.base } : {}) });
    for (const problem of report.problems) this.log(formatProblem(problem));
    const history = report.base
      ? `, ${report.commits} commit(s) since ${report.base} checked`
      : '; commit rules skipped (no --base)';
    const summary = `${report.checked} file(s) checked: ${report.errors} error(s), ${report.warnings} warning(s)${history}`;
    this.progress(report.ok ? color.green(summary) : color.red(summary));
    if (report.skipped_rules.length > 0)
      this.progress(
        color.dim(
          `  ${report.skipped_rules.join(', ')} need --base <ref> (in CI the pull request's base, e.g. origin/main)`,
        ),
      );
    const tooManyWarnings = flags['max-warnings'] !== undefined && report.warnings > flags['max-warnings'];
    if (!report.ok || tooManyWarnings) process.exitCode = ExitCode.checkFailed;
    return report;
  }
}
