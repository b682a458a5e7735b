import { Args } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { color } from '../../src/cli/format/common.js';
import { formatReviewShow } from '../../src/cli/format/review.js';
import { showReview } from '../../src/review/show.js';

export default class ReviewShow extends CtCommand {
  static override summary = 'Show a contribution branch: its files, every `ct check` problem, and the full diff.';
  static override examples = [
    '<%= config.bin %> review show ct/trace/docker-compose-healthcheck',
    '<%= config.bin %> review show trace/docker-compose-healthcheck --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    branch: Args.string({
      description: 'The branch: ct/<kind>/<name> (the ct/ and remote prefixes are optional).',
      required: true,
    }),
  };
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { args, flags } = await this.parse(ReviewShow);
    const store = await this.openStore(flags.store);
    const review = await showReview(store, args.branch);
    for (const w of review.warnings) this.progress(color.yellow(`warning: ${w}`));
    this.log(formatReviewShow(review));
    return review;
  }
}
