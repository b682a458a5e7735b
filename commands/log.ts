import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTraceLog } from '../src/cli/format/trace-log.js';
import { getTraceLog } from '../src/trace-log/trace-log.js';

export default class Log extends CtCommand {
  static override summary =
    'The history of a trace: created, amended (with reasons), moved, votes, flags, deprecation, deletion.';
  static override description =
    "Read from the store's git history (oldest first). A vote by the trace's own author is shown but does not count. Use --ref to read another branch, e.g. a contribution branch under review.";
  static override examples = [
    '<%= config.bin %> log 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
    '<%= config.bin %> log 01JDQ5Z8 --json',
    '<%= config.bin %> log 01JDQ5Z8 --ref origin/main',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id, or an unambiguous prefix of at least 6 characters.', required: true }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    ref: Flags.string({ description: 'The branch, tag or commit whose history to read.', default: 'HEAD' }),
  };

  async run() {
    const { args, flags } = await this.parse(Log);
    const store = await this.storeFor(args.id, flags.store);
    const log = await getTraceLog(store.root, args.id, { ref: flags.ref });
    this.log(formatTraceLog(log));
    return log;
  }
}
