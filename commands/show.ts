import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTrace } from '../src/cli/format/common.js';
import { findTrace } from '../src/store/find-trace.js';
import { describePoint, getTraceAt } from '../src/trace-log/trace-at.js';

export default class Show extends CtCommand {
  static override summary = 'Show one trace by id, now or as it was at a commit or date.';
  static override description =
    "With --at, the trace is read from the store's git history: a commit, branch or tag, or a date (YYYY-MM-DD means the end of that day, UTC; the last commit that reached the store by then). `ct log <id>` lists the commits that changed it.";
  static override examples = [
    '<%= config.bin %> show 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
    '<%= config.bin %> show 01JDQ5Z8 --json',
    '<%= config.bin %> show 01JDQ5Z8 --at 2026-11-21',
    '<%= config.bin %> show 01JDQ5Z8 --at 3f2a9c1',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id, or an unambiguous prefix of at least 6 characters.', required: true }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    at: Flags.string({
      description: 'A commit, branch, tag or date (YYYY-MM-DD) of the store.',
      helpValue: '<commit|date>',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(Show);
    const store = await this.storeFor(args.id, flags.store);
    if (flags.at !== undefined) {
      const version = await getTraceAt(store.root, args.id, flags.at);
      this.progress(`as of ${describePoint(version)}, ${version.date}`);
      this.log(formatTrace(version.trace));
      return { store: store.name, ...version };
    }
    const trace = await findTrace(store.root, args.id);
    this.log(formatTrace(trace));
    return { store: store.name, ...trace };
  }
}
