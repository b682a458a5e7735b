import { Args } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTrace } from '../src/cli/format/common.js';
import { findTrace } from '../src/store/find-trace.js';

export default class Show extends CtCommand {
  static override summary = 'Show one trace by id.';
  static override examples = [
    '<%= config.bin %> show 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
    '<%= config.bin %> show 01JDQ5Z8 --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id, or an unambiguous prefix of at least 6 characters.', required: true }),
  };
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { args, flags } = await this.parse(Show);
    const store = await this.storeFor(args.id, flags.store);
    const trace = await findTrace(store.root, args.id);
    this.log(formatTrace(trace));
    return { store: store.name, ...trace };
  }
}
