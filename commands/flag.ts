import { Args, Flags } from '@oclif/core';
import { FLAG_REASONS } from '../src/ballot/schema.js';
import { CtCommand } from '../src/cli/base.js';
import { color } from '../src/cli/format/common.js';
import { formatPublish } from '../src/cli/format/publish.js';
import { raiseFlag } from '../src/contribute/cast-ballot.js';

export default class Flag extends CtCommand {
  static override summary = 'Flag a trace for reviewers: wrong, outdated, unsafe, duplicate or spam.';
  static override description =
    'Writes flags/<id>/<your key>.yml on its own branch and opens a pull request. A flag never ' +
    'deletes anything: it marks the trace disputed (ranked down, never hidden) until a reviewer acts.';
  static override examples = [
    '<%= config.bin %> flag 01JDQ5Z8 --reason outdated --note "Compose v1 syntax"',
    '<%= config.bin %> flag 01JDQ5Z8 --reason duplicate --duplicate-of 01JDQ6AA...',
  ];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'Trace id or unique prefix.', required: true }) };
  static override flags = {
    ...CtCommand.storeFlag,
    reason: Flags.string({ description: 'Why.', required: true, options: [...FLAG_REASONS] }),
    note: Flags.string({ description: 'Details for the reviewers.' }),
    'duplicate-of': Flags.string({ description: 'With --reason duplicate: the id of the trace it duplicates.' }),
    'no-publish': Flags.boolean({ description: 'Commit only; publish later with `ct publish`.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Flag);
    const store = await this.storeFor(args.id, flags.store);
    // Notes said before the commit (where it will and will not go) are not repeated after it.
    const said = new Set<string>();
    const result = await raiseFlag(
      store,
      {
        id: args.id,
        reason: flags.reason as (typeof FLAG_REASONS)[number],
        ...(flags.note ? { note: flags.note } : {}),
        ...(flags['duplicate-of'] ? { duplicate_of: flags['duplicate-of'] } : {}),
      },
      { noPublish: flags['no-publish'], log: (m) => (said.add(m), this.progress(color.yellow(`note: ${m}`))) },
    );
    for (const w of result.warnings) if (!said.has(w)) this.progress(color.yellow(`note: ${w}`));
    if (result.changed)
      this.log(
        [
          `Flagged ${result.id} as ${flags.reason} (${result.path})`,
          ...formatPublish(result.publish, result.branch),
        ].join('\n'),
      );
    return result;
  }
}
