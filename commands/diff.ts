import { Args } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTraceDiff } from '../src/cli/format/trace-diff.js';
import { diffTrace } from '../src/trace-log/trace-diff.js';

export default class Diff extends CtCommand {
  static override summary =
    'What changed in a trace between two versions, with the reasons from the amendment commits.';
  static override description =
    'Points are commits, branches, tags or dates (YYYY-MM-DD: the end of that day, UTC). With no point, the last change; with one, from it to now.';
  static override examples = [
    '<%= config.bin %> diff 01JDQ5Z8',
    '<%= config.bin %> diff 01JDQ5Z8 2026-11-01',
    '<%= config.bin %> diff 01JDQ5Z8 3f2a9c1 origin/main --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id, or an unambiguous prefix of at least 6 characters.', required: true }),
    from: Args.string({
      description: 'The older point: commit, branch, tag or date (default: before the last change).',
    }),
    to: Args.string({ description: 'The newer point (default: HEAD).' }),
  };
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { args, flags } = await this.parse(Diff);
    const store = await this.storeFor(args.id, flags.store);
    const diff = await diffTrace(store.root, args.id, args.from, args.to);
    this.log(formatTraceDiff(diff));
    return { store: store.name, ...diff };
  }
}
