import { CtCommand } from '../src/cli/base.js';
import { color, formatTable } from '../src/cli/format/common.js';
import { getStoreStatus } from '../src/diagnose/status.js';

export default class Status extends CtCommand {
  static override summary = 'Show the state of a store: branch, sync, counts and index.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --store team --json'];
  static override enableJsonFlag = true;
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { flags } = await this.parse(Status);
    const store = await this.openStore(flags.store);
    const status = await getStoreStatus(store);
    const sync = status.upstream
      ? `${status.upstream}: ${status.ahead} ahead, ${status.behind} behind`
      : 'no upstream (local only)';
    const index =
      status.index.state === 'built' || status.index.state === 'remote'
        ? color.green(status.index.state === 'built' ? 'up to date' : 'remote')
        : color.yellow(
            status.index.state === 'missing'
              ? 'not built (run `ct index`)'
              : `${status.index.state} (run \`ct index\`)`,
          );
    this.log(
      formatTable([
        ['store', `${status.name} (${status.source})`],
        ['path', status.root],
        ['branch', status.branch ?? '(detached)'],
        ['sync', sync],
        ['traces', String(status.traces)],
        ['votes', String(status.votes)],
        ['flags', String(status.flags)],
        [
          'uncommitted',
          status.uncommitted.length === 0
            ? 'none'
            : `${status.uncommitted.length} path(s): ${status.uncommitted.slice(0, 5).join(', ')}${status.uncommitted.length > 5 ? ', ...' : ''}`,
        ],
        [
          'unpublished',
          status.pending.length === 0 ? 'none' : `${status.pending.length} branch(es): run \`ct publish\``,
        ],
        ['index', index],
        ...(status.index.source ? [['index source', status.index.source] as [string, string]] : []),
        ...(status.index.shipped && ['refused', 'failed'].includes(status.index.shipped.outcome)
          ? [
              [
                'shipped index',
                color.yellow(
                  `${status.index.shipped.outcome} (${status.index.shipped.code ?? 'error'}): ${status.index.shipped.reason}`,
                ),
              ] as [string, string],
            ]
          : []),
      ]),
    );
    return status;
  }
}
