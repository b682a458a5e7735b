import { readIndex } from '../index/ready.js';
import { ServedStores } from '../mcp/served-stores.js';
import type { Store } from '../store/store.js';

/**
 * How often the server re-checks that an index is up to date (git rev-parse + git status, ~100 ms
 * at 10,000 traces). Below the 3 s the search tools allow, so a request that passed the gate
 * finds the check fresh and runs no git of its own.
 */
export const GATE_TTL_MS = 2000;

/**
 * One freshness check per store at a time. Each search re-checks its index when the last check
 * is older than a few seconds; with fifty clients searching at once, all of them would find it
 * expired at the same moment and start fifty `git status` runs over the same checkout. Requests
 * wait here instead for a single check (or index update) and then search without one.
 */
export class FreshnessGate {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly log: (message: string) => void) {}

  async pass(stores: readonly Store[]): Promise<void> {
    await Promise.all(stores.map((store) => this.check(store)));
  }

  private check(store: Store): Promise<void> {
    const running = this.pending.get(store.root);
    if (running) return running;
    const check = readIndex(
      store,
      { log: this.log, freshnessTtlMs: GATE_TTL_MS, revalidate: 'background' },
      async () => undefined,
    )
      .then(() => undefined)
      // The search that follows will report the problem with its own context.
      .catch(() => undefined)
      .finally(() => this.pending.delete(store.root));
    this.pending.set(store.root, check);
    return check;
  }
}

/** The stores are chosen again at most this often (the registry and every ct.yml are read each time). */
const STORES_TTL_MS = 2000;

/**
 * ServedStores for a busy server: the list of stores is reused for two seconds and concurrent
 * requests share one read, so `ct store add` in another terminal is still seen within seconds.
 */
export class CachedServedStores extends ServedStores {
  private cached: { at: number; stores: Promise<Store[]> } | undefined;

  override all(): Promise<Store[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < STORES_TTL_MS) return this.cached.stores;
    const stores = super.all();
    this.cached = { at: now, stores };
    stores.catch(() => {
      this.cached = undefined;
    });
    return stores;
  }
}
