import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { color } from '../../src/cli/format/common.js';
import { formatAccept } from '../../src/cli/format/review.js';
import { acceptContribution } from '../../src/review/accept.js';

export default class ReviewAccept extends CtCommand {
  static override summary = 'Merge a contribution branch into the base branch, push it and delete the branch.';
  static override description =
    'Refuses when `ct check` finds errors in the merged tree (--force to merge anyway) and, with ' +
    'exit 6, when the branch conflicts with the base branch: either way nothing is changed. Your ' +
    'working tree is only touched when it has the base branch checked out (it is fast-forwarded to ' +
    'the merge commit); otherwise the branch is moved by plumbing.';
  static override examples = [
    '<%= config.bin %> review accept ct/trace/docker-compose-healthcheck',
    '<%= config.bin %> review accept ct/vote/0v0wb-1a2b3c4d --no-push',
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
    force: Flags.boolean({ description: 'Merge even when `ct check` finds errors.' }),
    'no-push': Flags.boolean({
      description: 'Merge locally only: do not push the base branch or delete the remote branch.',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(ReviewAccept);
    const store = await this.openStore(flags.store);
    const result = await acceptContribution(store, args.branch, {
      force: flags.force,
      noPush: flags['no-push'],
      onProgress: (m) => this.progress(color.dim(m)),
    });
    this.log(formatAccept(result));
    return result;
  }
}
