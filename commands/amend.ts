import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatPublish } from '../src/cli/format/publish.js';
import { parsePairs, readPipedJson, splitList } from '../src/cli/read-input.js';
import { amendTrace } from '../src/contribute/amend.js';
import { UsageError } from '../src/errors.js';

export default class Amend extends CtCommand {
  static override summary = 'Propose a better version of a trace, with the reason; reviewers see the diff.';
  static override examples = [
    '<%= config.bin %> amend 01JDQ5Z8 --reason "Compose v2 needs condition: service_healthy" --solution "..."',
    'echo \'{"solution": "...", "reason": "..."}\' | <%= config.bin %> amend 01JDQ5Z8 --json',
  ];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'Trace id or unique prefix.', required: true }) };
  static override flags = {
    ...CtCommand.storeFlag,
    reason: Flags.string({ description: 'What was wrong or missing (required unless JSON comes on stdin).' }),
    title: Flags.string({ description: 'A new title.' }),
    tags: Flags.string({ description: 'New tags, comma-separated (repeatable).', multiple: true }),
    context: Flags.string({ description: 'A replacement Context section.' }),
    solution: Flags.string({ description: 'A replacement Solution section.' }),
    verification: Flags.string({ description: 'A replacement Verification section.' }),
    notes: Flags.string({ description: 'A replacement Notes section.' }),
    'applies-to': Flags.string({ description: 'Versions, name=range (repeatable).', multiple: true }),
    'no-publish': Flags.boolean({ description: 'Commit only; publish later with `ct publish`.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Amend);
    const tags = splitList(flags.tags);
    const fromFlags = {
      ...(flags.reason ? { reason: flags.reason } : {}),
      ...(flags.title ? { title: flags.title } : {}),
      ...(tags.length ? { tags } : {}),
      ...(flags.context ? { context: flags.context } : {}),
      ...(flags.solution ? { solution: flags.solution } : {}),
      ...(flags.verification ? { verification: flags.verification } : {}),
      ...(flags.notes ? { notes: flags.notes } : {}),
      ...(flags['applies-to'] ? { applies_to: parsePairs(flags['applies-to']) } : {}),
    };
    // Flags first: stdin is read only when no flag says what to change, so a forgotten --reason
    // is reported as such, and a command run with an idle stdin (agents, CI) does not wait on it.
    const usage = 'pass --reason "..." with the fields to replace (e.g. --solution "...")';
    let changes: Record<string, unknown> = fromFlags;
    if (Object.keys(fromFlags).length === 0) {
      const piped = await readPipedJson(usage);
      if (!piped) throw new UsageError('nothing to amend: no flags and no JSON on stdin', usage);
      changes = piped;
    } else if (!flags.reason)
      throw new UsageError('--reason is required: say what was wrong or missing (at least 10 characters)', usage);
    const input = { ...changes, id: args.id };
    const store = await this.storeFor(args.id, flags.store);
    const result = await amendTrace(store, input as Parameters<typeof amendTrace>[1], {
      noPublish: flags['no-publish'],
      log: (m) => this.progress(`note: ${m}`),
    });
    this.log(
      [
        `Amended ${result.id} (${result.path}) on branch ${result.branch}`,
        ...formatPublish(result.publish, result.branch),
      ].join('\n'),
    );
    return result;
  }
}
