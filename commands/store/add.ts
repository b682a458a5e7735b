import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { addStore } from '../../src/store/add.js';

export default class StoreAdd extends CtCommand {
  static override summary = 'Register a store: a local checkout, or a git URL cloned into the data dir.';
  static override examples = [
    '<%= config.bin %> store add team https://git.example.com/team/traces.git',
    '<%= config.bin %> store add local ./my-store --default',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ description: 'Name to refer to the store by (lowercase, digits, - and _).', required: true }),
    source: Args.string({ description: 'A path to a store checkout, or a git URL to clone.', required: true }),
  };
  static override flags = { default: Flags.boolean({ description: 'Make it the default store.' }) };

  async run() {
    const { args, flags } = await this.parse(StoreAdd);
    const result = await addStore(args.name, args.source, { makeDefault: flags.default, log: (m) => this.progress(m) });
    const notes = [result.branch ? `branch ${result.branch}` : '', result.isDefault ? 'default' : ''].filter(Boolean);
    this.log(
      `Registered store "${result.store.name}" at ${result.store.path}${notes.length ? ` (${notes.join(', ')})` : ''}`,
    );
    return result;
  }
}
