import { CtCommand } from '../src/cli/base.js';
import { formatPublish } from '../src/cli/format/publish.js';
import { ExitCode } from '../src/errors.js';
import { publishPending } from '../src/forge/publish-pending.js';

export default class Publish extends CtCommand {
  static override summary =
    'Push contributions, votes, amendments and flags that were committed but not published yet.';
  static override enableJsonFlag = true;
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { flags } = await this.parse(Publish);
    const store = await this.openStore(flags.store);
    const results = await publishPending(store);
    if (results.length === 0) this.progress('nothing to publish');
    for (const r of results) this.log(formatPublish(r, r.branch).join('\n'));
    if (results.some((r) => r.status === 'local')) process.exitCode = ExitCode.network;
    return { published: results };
  }
}
