import { Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { indexProgressReporter } from '../../src/cli/progress.js';
import { updateIndex } from '../../src/index/build.js';

export default class Index extends CtCommand {
  static override summary = 'Build or update the search index of a store.';
  static override description =
    'Embeds only traces whose git blob changed since the last run (committed or not), deletes ' +
    'removed ones, recomputes votes, trust and flags, and compacts. The index lives in .ct/index/ of ' +
    'the checkout. A change of embedding model or index format rebuilds it.';
  static override examples = ['<%= config.bin %> index', '<%= config.bin %> index --full --store team'];
  static override enableJsonFlag = true;
  static override flags = {
    ...CtCommand.storeFlag,
    full: Flags.boolean({ description: 'Rebuild from scratch.' }),
  };

  async run() {
    const { flags } = await this.parse(Index);
    const store = await this.openStore(flags.store);
    const progress = indexProgressReporter();
    try {
      const report = await updateIndex(store, {
        full: flags.full,
        log: (m) => this.progress(m),
        onProgress: progress.onProgress,
      });
      progress.stop();
      this.progress(
        `Indexed "${store.name}": ${report.traces} trace(s), ${report.embedded} embedded, ${report.removed} removed, ${report.skipped.length} skipped in ${report.ms} ms${report.full ? ` (full rebuild: ${report.reason})` : ''}`,
      );
      return { store: store.name, ...report };
    } finally {
      progress.stop();
    }
  }
}
