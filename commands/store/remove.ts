import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { removeStore } from '../../src/store/add.js';

export default class StoreRemove extends CtCommand {
  static override summary =
    'Forget a registered store. A clone ct made is deleted; your own checkouts are never touched.';
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'The store name.', required: true }) };
  static override flags = { 'keep-files': Flags.boolean({ description: 'Keep the clone ct made in its data dir.' }) };

  async run() {
    const { args, flags } = await this.parse(StoreRemove);
    const result = await removeStore(args.name, { keepFiles: flags['keep-files'] });
    this.log(
      `Removed store "${args.name}"${result.deleted ? ` and deleted its clone ${result.store.path}` : ` (files left at ${result.store.path})`}`,
    );
    return result;
  }
}
