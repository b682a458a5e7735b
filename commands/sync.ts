import { CtCommand } from '../src/cli/base.js';
import { indexProgressReporter } from '../src/cli/progress.js';
import { ExitCode } from '../src/errors.js';
import { publishPending } from '../src/forge/publish-pending.js';
import { updateIndex } from '../src/index/build.js';
import { installShippedIndex, wantsShippedIndex } from '../src/index/shipped.js';
import { writeSignals } from '../src/index/signals.js';
import { markSynced } from '../src/store/registry.js';
import { selectStores } from '../src/store/select.js';
import type { Store } from '../src/store/store.js';
import { pullStore } from '../src/store/sync.js';

/** More changed trace files than this since the index's commit: a shipped index is fetched rather than embedding them. */
const SHIPPED_WHEN_BEHIND = 1000;

export default class Sync extends CtCommand {
  static override summary = 'Pull every registered store (or one) and update its index.';
  static override description =
    "Fetches each store's upstream and fast-forwards; a branch with local commits is left as it is, with the " +
    'command to resolve it. The index is then brought up to date, embedding only what changed. A store that ' +
    'fails (missing directory, no network) never stops the others; the command exits non-zero when any failed.';
  static override examples = ['<%= config.bin %> sync', '<%= config.bin %> sync --store team --json'];
  static override enableJsonFlag = true;
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { flags } = await this.parse(Sync);
    const { stores, skipped } = await selectStores({ store: flags.store, log: (m) => this.progress(m) });
    const results = [];
    for (const store of stores) results.push(await this.syncOne(store));
    const failed = skipped.length > 0 || results.some((r) => r.pull.outcome === 'failed' || r.error);
    if (failed) process.exitCode = ExitCode.network;
    return { stores: results, skipped };
  }

  /** Pull, publish what is pending, update the index: one store, its failure reported, not thrown. */
  private async syncOne(store: Store) {
    // A pinned store answers from its pin; its checkout is still pulled, for when it is unpinned.
    const checkout = store.checkout ? { ...store, root: store.checkout } : store;
    const pull = await pullStore(checkout);
    if (pull.outcome === 'pulled' || pull.outcome === 'up-to-date') await markSynced(store.name);
    if (pull.outcome === 'failed') this.progress(`${store.name}: ${pull.message}\n  hint: ${pull.hint}`);
    else if (pull.outcome === 'no-upstream') this.progress(`${store.name}: ${pull.message} (nothing to pull)`);
    else
      this.progress(
        `${store.name}: ${pull.outcome === 'pulled' ? `pulled ${pull.changed.length} changed file(s)` : 'up to date'}`,
      );
    try {
      const published = await publishPending(checkout);
      for (const p of published) this.progress(`${store.name}: ${p.message}`);
      // A store that ships its index: use it when it saves a rebuild or a long catch-up.
      const shipped = (await wantsShippedIndex(store, SHIPPED_WHEN_BEHIND))
        ? await installShippedIndex(store, { log: (m) => this.progress(m) })
        : undefined;
      if (store.config.index.remote) {
        // Its index is on object storage: only the votes and flags of the checkout are local.
        await writeSignals(store);
        this.progress(`${store.name}: index queried in place at ${store.config.index.remote}`);
        return { store: store.name, pull, index: null, published };
      }
      const progress = indexProgressReporter();
      const index = await updateIndex(store, { log: (m) => this.progress(m), onProgress: progress.onProgress }).finally(
        () => progress.stop(),
      );
      this.progress(
        `${store.name}: index ${index.traces} trace(s), ${index.embedded} embedded, ${index.removed} removed`,
      );
      return { store: store.name, pull, index, published, ...(shipped ? { shipped } : {}) };
    } catch (e) {
      const error = (e as Error).message;
      this.progress(`${store.name}: ${error}`);
      return { store: store.name, pull, index: null, published: [], error };
    }
  }
}
