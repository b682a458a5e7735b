import { Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { runIndexCommand } from '../../src/cli/index-command.js';

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
    return runIndexCommand({ store: flags.store, full: flags.full }, { progress: (m) => this.progress(m) });
  }
}
