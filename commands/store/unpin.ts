import { Args } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { unpinStore } from '../../src/store/pin.js';

export default class StoreUnpin extends CtCommand {
  static override summary = 'Unpin a store: it answers from its checkout again.';
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'The store name.', required: true }) };

  async run() {
    const { args } = await this.parse(StoreUnpin);
    const store = await unpinStore(args.name);
    this.log(`Store "${store.name}" answers from its checkout (${store.path})`);
    return store;
  }
}
