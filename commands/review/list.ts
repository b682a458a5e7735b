import { CtCommand } from '../../src/cli/base.js';
import { color } from '../../src/cli/format/common.js';
import { formatReviewList } from '../../src/cli/format/review.js';
import { listReviews } from '../../src/review/list.js';

export default class ReviewList extends CtCommand {
  static override summary = 'List open contribution branches (ct/*) with their changes and `ct check` results.';
  static override description =
    "For stores without a forge, contribution branches are the pull requests. Fetches the remote's ct/* branches (with --prune; local ct/* branches when the store has no remote) and lists those not merged into the base branch, each checked in a temporary worktree.";
  static override examples = ['<%= config.bin %> review list', '<%= config.bin %> review list --json'];
  static override enableJsonFlag = true;
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { flags } = await this.parse(ReviewList);
    const store = await this.openStore(flags.store);
    const list = await listReviews(store, {
      onProgress: process.stderr.isTTY ? (m) => this.progress(color.dim(m)) : undefined,
    });
    for (const w of list.warnings) this.progress(color.yellow(`warning: ${w}`));
    this.log(formatReviewList(list));
    return list;
  }
}
