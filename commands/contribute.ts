import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { color } from '../src/cli/format/common.js';
import { formatPublish } from '../src/cli/format/publish.js';
import { parsePairs, readPipedJson, readTraceDraft, splitList } from '../src/cli/read-input.js';
import { contribute } from '../src/contribute/contribute.js';
import { UsageError } from '../src/errors.js';

export default class Contribute extends CtCommand {
  static override summary =
    'Contribute a trace: validate, scan for secrets, check duplicates, commit on a branch, push, open a pull request.';
  static override description =
    `Input: flags, a trace file, or JSON on stdin ({"title", "context", "solution", "tags", "verification"?, "notes"?, "applies_to"?, "agent"?}). Your working tree, index and current branch are not touched: the commit is made on its own branch with git plumbing. With no remote, network or credentials, the commit stays on its branch and \`ct publish\` pushes it later.`;
  static override examples = [
    '<%= config.bin %> contribute --title "pnpm: ERR_PNPM_OUTDATED_LOCKFILE in CI" --tags pnpm,ci ' +
      '--context "..." --solution "..."',
    '<%= config.bin %> contribute my-trace.md',
    'echo \'{"title": "...", "context": "...", "solution": "...", "tags": ["docker"]}\' | <%= ' +
      'config.bin %> contribute --json',
  ];
  static override enableJsonFlag = true;
  // ignoreStdin: oclif would otherwise read piped JSON into this argument and take it for a path.
  static override args = {
    file: Args.string({
      description: 'A trace file to contribute (its id is replaced by a new one).',
      ignoreStdin: true,
    }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    title: Flags.string({ description: 'Specific, searchable title: the tool and the symptom.' }),
    context: Flags.string({ description: 'The problem, with the exact error message and versions.' }),
    solution: Flags.string({ description: 'What worked, with code, and why.' }),
    tags: Flags.string({ description: 'Tags, comma-separated (repeatable).', multiple: true }),
    verification: Flags.string({ description: 'How you verified it.' }),
    notes: Flags.string({ description: 'Pitfalls and alternatives.' }),
    'applies-to': Flags.string({
      description: 'Versions verified with, name=range (repeatable), e.g. postgres=">=14".',
      multiple: true,
    }),
    'agent-model': Flags.string({ description: 'The model that produced it, e.g. claude-opus-4-6.' }),
    force: Flags.boolean({ description: 'Contribute even if near-duplicates exist.' }),
    'no-publish': Flags.boolean({ description: 'Commit on the branch only; publish later with `ct publish`.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Contribute);
    const tags = splitList(flags.tags);
    const fromFlags = {
      ...(flags.title ? { title: flags.title } : {}),
      ...(flags.context ? { context: flags.context } : {}),
      ...(flags.solution ? { solution: flags.solution } : {}),
      ...(tags.length ? { tags } : {}),
      ...(flags.verification ? { verification: flags.verification } : {}),
      ...(flags.notes ? { notes: flags.notes } : {}),
      ...(flags['applies-to'] ? { applies_to: parsePairs(flags['applies-to']) } : {}),
    };
    // A file, else flags, else piped JSON: stdin is read only when nothing else gave the trace, so
    // an idle stdin (agents, CI) never makes a command with flags wait or misreport. --agent-model
    // describes the author, not the trace, so it goes with any of them.
    const usage = 'pass --title, --context, --solution and --tags, or a trace file';
    let input: Record<string, unknown> = {};
    if (args.file) input = await readTraceDraft(args.file);
    else if (Object.keys(fromFlags).length === 0) {
      const piped = await readPipedJson(usage);
      if (!piped) throw new UsageError('nothing to contribute: no file, no flags and no JSON on stdin', usage);
      input = piped;
    }
    const store = await this.openStore(flags.store);
    const result = await contribute(
      store,
      {
        ...input,
        ...fromFlags,
        ...(flags['agent-model'] ? { agent: { model: flags['agent-model'] } } : {}),
      } as Parameters<typeof contribute>[1],
      {
        force: flags.force,
        noPublish: flags['no-publish'],
        log: (m) => this.progress(m),
      },
    );
    for (const w of result.warnings) this.progress(color.yellow(`warning: ${w}`));
    if (result.duplicates.length)
      this.progress(
        color.yellow(
          `near-duplicates (contributed anyway with --force): ${result.duplicates.map((d) => `${d.id} (${d.similarity})`).join(', ')}`,
        ),
      );
    this.log(
      [
        `Contributed ${result.id} as ${result.path} on branch ${result.branch}`,
        ...formatPublish(result.publish, result.branch),
      ].join('\n'),
    );
    return result;
  }
}
