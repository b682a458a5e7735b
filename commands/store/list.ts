import { CtCommand } from '../../src/cli/base.js';
import { formatTable } from '../../src/cli/format/common.js';
import { readRegistry } from '../../src/store/registry.js';

export default class StoreList extends CtCommand {
  static override summary = 'List the registered stores.';
  static override enableJsonFlag = true;

  async run() {
    await this.parse(StoreList);
    const registry = await readRegistry();
    if (registry.stores.length === 0)
      this.progress(
        'no stores registered: commands use the built-in seeds store. Add one with `ct store add ' +
          '<name> <url-or-path>` or `ct init <dir>`.',
      );
    else
      this.log(
        formatTable(
          registry.stores.map((s) => [
            s.name === registry.default ? `* ${s.name}` : `  ${s.name}`,
            s.path,
            s.url ?? '',
          ]),
        ),
      );
    return { default: registry.default ?? null, stores: registry.stores };
  }
}
