import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatHostList, formatSetup } from '../src/cli/format/setup.js';
import { UsageError } from '../src/errors.js';
import { HOST_IDS } from '../src/hosts/hosts.js';
import { listHosts, setupHost } from '../src/hosts/setup.js';

export default class Setup extends CtCommand {
  static override summary = "Add the ct MCP server to an agent host's config (Claude Code, Cursor, VS Code, Codex...).";
  static override description =
    "Writes or merges the host's documented MCP config file: other servers and your formatting are kept, an " +
    'up-to-date entry is left alone, and a changed file is first copied to <file>.ct-backup-<time>. The server runs ' +
    '`ct mcp` when ct is on your PATH, else this installation by absolute paths. --list shows every host, its files ' +
    'and whether ct is in them.';
  static override examples = [
    '<%= config.bin %> setup --list',
    '<%= config.bin %> setup cursor --dry-run',
    '<%= config.bin %> setup codex',
    '<%= config.bin %> setup vscode --scope project',
  ];
  static override enableJsonFlag = true;
  static override args = {
    host: Args.string({ description: 'The agent host.', options: [...HOST_IDS] }),
  };
  static override flags = {
    list: Flags.boolean({ description: 'List the hosts, their config files and whether ct is configured there.' }),
    scope: Flags.string({
      description: "user: the host's config in your home folder; project: a file in the project (shared with git).",
      options: ['user', 'project'],
      default: 'user',
    }),
    project: Flags.directory({ description: 'The project folder for --scope project (default: the current one).' }),
    name: Flags.string({ description: 'The server name in the config.', default: 'ct' }),
    'dry-run': Flags.boolean({ description: 'Print the diff that would be applied; write nothing.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Setup);
    if (flags.list) {
      const hosts = await listHosts({ project: flags.project, name: flags.name });
      this.log(formatHostList(hosts));
      return hosts;
    }
    if (!args.host)
      throw new UsageError('which agent host?', `run "ct setup <host>" with one of: ${HOST_IDS.join(', ')}`);
    const result = await setupHost({
      host: args.host,
      scope: flags.scope as 'user' | 'project',
      project: flags.project,
      name: flags.name,
      dryRun: flags['dry-run'],
    });
    this.log(formatSetup(result));
    return result;
  }
}
