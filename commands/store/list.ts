import { CtCommand } from '../../src/cli/base.js';
import { color, formatTable } from '../../src/cli/format/common.js';
import { listSubscriptions } from '../../src/diagnose/subscriptions.js';

export default class StoreList extends CtCommand {
  static override summary = 'List the subscribed stores: name, source, commit, traces, weight, index, last sync.';
  static override enableJsonFlag = true;

  async run() {
    await this.parse(StoreList);
    const stores = await listSubscriptions();
    if (stores.length === 0)
      this.progress(
        'no stores: add one with `ct store add <url-or-path>`, or `ct store add seeds` for the built-in one',
      );
    else
      this.log(
        formatTable([
          ['store', 'source', 'commit', 'traces', 'weight', 'index', 'last sync'].map((h) => color.dim(h)),
          ...stores.map((s) => [
            `${s.default ? '*' : ' '} ${s.name}`,
            s.builtin ? '(built in)' : (s.url ?? s.path),
            s.commit ? `${s.commit.slice(0, 10)}${s.pinned ? ' (pinned)' : ''}` : '-',
            s.traces === null ? '-' : String(s.traces),
            String(s.weight),
            s.index,
            s.last_sync ? s.last_sync.slice(0, 16).replace('T', ' ') : '-',
          ]),
        ]),
      );
    for (const s of stores) if (s.problem) this.progress(`warning: ${s.name}: ${s.problem}`);
    return { stores };
  }
}
