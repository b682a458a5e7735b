import { Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTable } from '../src/cli/format/common.js';
import { countTags } from '../src/store/tags.js';

export default class Tags extends CtCommand {
  static override summary = 'List the tags of a store with their trace counts.';
  static override examples = ['<%= config.bin %> tags', '<%= config.bin %> tags --limit 20 --json'];
  static override enableJsonFlag = true;
  static override flags = {
    ...CtCommand.storeFlag,
    limit: Flags.integer({ description: 'Show at most this many tags.', min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(Tags);
    const store = await this.openStore(flags.store);
    const result = await countTags(store.root);
    const tags = flags.limit ? result.tags.slice(0, flags.limit) : result.tags;
    if (tags.length === 0) this.progress(`no tags: store "${store.name}" has no valid traces`);
    else this.log(formatTable(tags.map((t) => [String(t.count).padStart(5), t.tag])));
    if (result.skipped > 0) this.progress(`${result.skipped} invalid trace file(s) skipped: run \`ct check\``);
    return { store: store.name, traces: result.traces, skipped: result.skipped, tags };
  }
}
