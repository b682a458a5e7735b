import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { color } from '../../src/cli/format/common.js';
import { rejectContribution } from '../../src/review/reject.js';

export default class ReviewReject extends CtCommand {
  static override summary = 'Reject a contribution: delete its branch on the remote and locally.';
  static override description =
    'Git has no place for the reason: it is printed (and returned with --json) for you to pass on to ' +
    'the contributor. The output says how to restore the branch.';
  static override examples = [
    '<%= config.bin %> review reject ct/trace/some-branch --reason "duplicate of 01JDQ5Z8..."',
  ];
  static override enableJsonFlag = true;
  static override args = {
    branch: Args.string({
      description: 'The branch: ct/<kind>/<name> (the ct/ and remote prefixes are optional).',
      required: true,
    }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    reason: Flags.string({ char: 'r', description: 'Why (reported to you; pass it on to the contributor).' }),
  };

  async run() {
    const { args, flags } = await this.parse(ReviewReject);
    const store = await this.openStore(flags.store);
    const result = await rejectContribution(store, args.branch, { ...(flags.reason ? { reason: flags.reason } : {}) });
    this.log([result.message, color.dim(`  restore with: ${result.restore}`)].join('\n'));
    return result;
  }
}
