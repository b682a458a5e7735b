import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatImportReport } from '../src/cli/format/import-report.js';
import { importCandidates, readImportSource } from '../src/contribute/import.js';

export default class Import extends CtCommand {
  static override summary = 'Import traces from a CommonTrace JSON export, a trace file or a folder of trace files.';
  static override description =
    'Every item is validated with the rules of ct check (schema, secrets, prompt injection); items ' +
    'already in the store (same id or same title) or failing a rule are skipped with the reason. The ' +
    'rest are added in one commit on the current branch. Importing the same source again adds ' +
    'nothing.';
  static override examples = [
    '<%= config.bin %> import export.json',
    '<%= config.bin %> import ./old-store/traces --store team --dry-run',
  ];
  static override enableJsonFlag = true;
  static override args = {
    source: Args.string({ description: 'A .json export, a .md trace, or a folder of traces.', required: true }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    'dry-run': Flags.boolean({ description: 'Report what would be imported, change nothing.' }),
    message: Flags.string({ char: 'm', description: 'Commit message.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Import);
    const store = await this.openStore(flags.store);
    const { candidates, invalid } = await readImportSource(args.source, store.config.tags.aliases);
    const report = await importCandidates(store, candidates, {
      message: flags.message ?? `Import traces from ${args.source}`,
      dryRun: flags['dry-run'],
    });
    report.skipped.unshift(...invalid);
    this.log(formatImportReport(report, flags['dry-run']));
    return report;
  }
}
