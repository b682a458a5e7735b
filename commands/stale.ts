import { Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatStaleReport } from '../src/cli/format/stale.js';
import { findStaleTraces } from '../src/staleness/stale.js';

export default class Stale extends CtCommand {
  static override summary =
    'Traces that need review: applies_to ranges that leave out the current major version on the package registries, and review_after dates that have passed.';
  static override description =
    'Packages are looked up on npm (CT_NPM_REGISTRY), PyPI (CT_PYPI_REGISTRY), crates.io (CT_CRATES_REGISTRY) and the Go module proxy (CT_GO_PROXY); a key is judged on the registry of the language its trace is tagged with (npm by default), or on the one its prefix names (npm:next, pypi:django). Answers are cached in the data dir for CT_REGISTRY_TTL_HOURS (24). Tools and runtimes (node, python, postgres, docker...) are not checked, and an unreachable registry makes its packages "not checked", never an error. Search marks the traces this finds, from the cache alone.';
  static override examples = [
    '<%= config.bin %> stale',
    '<%= config.bin %> stale --store team --json',
    '<%= config.bin %> stale --offline',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...CtCommand.storeFlag,
    offline: Flags.boolean({ description: 'Use cached registry answers only; no network.' }),
    refresh: Flags.boolean({ description: 'Ask the registries again even when the cache is recent.' }),
  };

  async run() {
    const { flags } = await this.parse(Stale);
    const store = await this.openStore(flags.store);
    const report = await findStaleTraces(store, { offline: flags.offline, refresh: flags.refresh });
    this.log(formatStaleReport(report));
    return report;
  }
}
