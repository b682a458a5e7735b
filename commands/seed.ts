import path from 'node:path';
import { Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatImportReport } from '../src/cli/format/import-report.js';
import { importCandidates, readImportSource } from '../src/contribute/import.js';
import { seedsDir } from '../src/paths.js';
import { SEEDS_IDENTITY } from '../src/store/seeds.js';

export default class Seed extends CtCommand {
  static override summary = 'Import the curated seed traces into a store (idempotent).';
  static override description =
    'Adds every seed trace the store does not have yet (same id or same title counts as present) in ' +
    'one commit authored by "CommonTrace seeds", on the current branch. Running it again adds ' +
    'nothing.';
  static override examples = ['<%= config.bin %> seed --store team', '<%= config.bin %> seed --dry-run --json'];
  static override enableJsonFlag = true;
  static override flags = {
    ...CtCommand.storeFlag,
    'dry-run': Flags.boolean({ description: 'Report what would be imported, change nothing.' }),
  };

  async run() {
    const { flags } = await this.parse(Seed);
    const store = await this.openStore(flags.store);
    const { candidates } = await readImportSource(path.join(seedsDir(), 'traces'), store.config.tags.aliases);
    const report = await importCandidates(store, candidates, {
      message: `Import ${candidates.length} CommonTrace seed traces`,
      author: SEEDS_IDENTITY,
      dryRun: flags['dry-run'],
    });
    // Seeds are ours: show their package-relative paths, not the install location.
    report.skipped = report.skipped.map((s) => ({ ...s, source: path.relative(path.dirname(seedsDir()), s.source) }));
    report.imported = report.imported.map((s) => ({ ...s, source: path.relative(path.dirname(seedsDir()), s.source) }));
    this.log(formatImportReport(report, flags['dry-run']));
    return report;
  }
}
