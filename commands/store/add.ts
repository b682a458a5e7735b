import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { subscribeStore } from '../../src/store/add.js';

export default class StoreAdd extends CtCommand {
  static override summary = 'Subscribe to a store: a git URL (cloned into the data dir), a local checkout, or seeds.';
  static override description =
    'Every subscribed store is searched by default (ct search, the MCP server, the SessionStart hook), in one ' +
    "ranked list. --weight scales a store's relevance in that list; --pin answers from one commit. The name " +
    'comes from the URL or folder unless --name gives one. `ct store add seeds` subscribes to the built-in ' +
    'store again after `ct store remove seeds`. The older form `ct store add <name> <url-or-path>` still works.';
  static override examples = [
    '<%= config.bin %> store add https://git.example.com/team/traces.git --name team --weight 1.5',
    '<%= config.bin %> store add ./my-store --default',
    '<%= config.bin %> store add https://github.com/org/commons.git --pin v1.2.0',
    '<%= config.bin %> store add seeds',
  ];
  static override enableJsonFlag = true;
  static override args = {
    source: Args.string({ description: 'A git URL, a path to a store checkout, or "seeds".', required: true }),
    legacy: Args.string({ description: 'With the older form <name> <url-or-path>: the URL or path.', hidden: true }),
  };
  static override flags = {
    name: Flags.string({ description: 'The name commands use (lowercase, digits, - and _).' }),
    weight: Flags.string({
      description: 'How much its results count in a search over several stores (0.1-10, default 1).',
    }),
    pin: Flags.string({ description: 'Answer from this commit, tag or branch of the store (reproducible answers).' }),
    default: Flags.boolean({ description: 'Make it the default store for writes.' }),
  };

  async run() {
    const { args, flags } = await this.parse(StoreAdd);
    const [name, source] = args.legacy ? [args.source, args.legacy] : [flags.name, args.source];
    const weight = flags.weight === undefined ? undefined : Number(flags.weight);
    if (weight !== undefined && !(weight >= 0.1 && weight <= 10))
      this.error(`--weight ${flags.weight} is not a number from 0.1 to 10`, { exit: 2 });
    const result = await subscribeStore(source, {
      ...(name ? { name } : {}),
      ...(weight !== undefined ? { weight } : {}),
      ...(flags.pin ? { pin: flags.pin } : {}),
      makeDefault: flags.default,
      log: (m) => this.progress(m),
    });
    const notes = [
      result.branch ? `branch ${result.branch}` : '',
      result.store.weight !== 1 ? `weight ${result.store.weight}` : '',
      result.store.pin ? `pinned at ${result.store.pin.slice(0, 10)}` : '',
      result.isDefault ? 'default' : '',
    ].filter(Boolean);
    this.log(
      `Subscribed to store "${result.store.name}" at ${result.store.path}${notes.length ? ` (${notes.join(', ')})` : ''}`,
    );
    return result;
  }
}
