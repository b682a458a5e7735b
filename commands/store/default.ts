import { Args } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { setDefaultStore } from '../../src/store/registry.js';

export default class StoreDefault extends CtCommand {
  static override summary = 'Make a registered store the default.';
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'The store name.', required: true }) };

  async run() {
    const { args } = await this.parse(StoreDefault);
    await setDefaultStore(args.name);
    this.log(`Default store is now "${args.name}"`);
    return { default: args.name };
  }
}
