import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { color } from '../src/cli/format/common.js';
import { formatPublish } from '../src/cli/format/publish.js';
import { castVote } from '../src/contribute/cast-ballot.js';

export default class Vote extends CtCommand {
  static override summary = 'Vote a trace up (it helped) or down (it was wrong, with a reason).';
  static override description =
    'Writes votes/<id>/<your key>.yml (one file per voter per trace; voting again changes it), ' +
    'commits it on its own branch, pushes and opens a pull request, or pushes to the main branch ' +
    'directly where ct.yml allows it (policy.direct_push_votes).';
  static override examples = [
    '<%= config.bin %> vote 01JDQ5Z8X4N2K7M3P9R6T1V0WB up',
    '<%= config.bin %> vote 01JDQ5Z8 down --reason "fails on Compose v2.24: depends_on syntax changed"',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id or unique prefix.', required: true }),
    direction: Args.string({ description: 'up or down', required: true, options: ['up', 'down'] }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    reason: Flags.string({ char: 'r', description: 'Why (required for down).' }),
    'no-publish': Flags.boolean({ description: 'Commit only; publish later with `ct publish`.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Vote);
    const store = await this.storeFor(args.id, flags.store);
    // Notes said before the commit (where it will and will not go) are not repeated after it.
    const said = new Set<string>();
    const result = await castVote(
      store,
      { id: args.id, vote: args.direction as 'up' | 'down', ...(flags.reason ? { reason: flags.reason } : {}) },
      { noPublish: flags['no-publish'], log: (m) => (said.add(m), this.progress(color.yellow(`note: ${m}`))) },
    );
    for (const w of result.warnings) if (!said.has(w)) this.progress(color.yellow(`note: ${w}`));
    if (result.changed)
      this.log(
        [
          `Voted ${args.direction} on ${result.id} (${result.path})`,
          ...formatPublish(result.publish, result.branch),
        ].join('\n'),
      );
    return result;
  }
}
