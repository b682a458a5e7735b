import { Args } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { pinStore } from '../../src/store/pin.js';

export default class StorePin extends CtCommand {
  static override summary = 'Pin a store to a commit: searches answer from it until `ct store unpin`.';
  static override description =
    'The store answers from a detached worktree of that commit in the data dir, with its own index; the ' +
    'checkout and `ct sync` do not move it. For reproducible answers, e.g. agents in CI.';
  static override examples = ['<%= config.bin %> store pin team v1.2.0', '<%= config.bin %> store pin team HEAD'];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ description: 'The store name.', required: true }),
    commit: Args.string({ description: 'A commit, tag or branch of the store.', default: 'HEAD' }),
  };

  async run() {
    const { args } = await this.parse(StorePin);
    const store = await pinStore(args.name, args.commit);
    this.log(`Store "${store.name}" answers from ${store.pin}`);
    return store;
  }
}
