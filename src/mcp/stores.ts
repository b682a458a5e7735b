import { NotFoundError } from '../errors.js';
import { readRegistry } from '../store/registry.js';
import { openStore, resolveStore, type Store } from '../store/store.js';

/** Network steps in a tool call stop after this, so a tool never blocks an agent for long. */
export const MCP_NETWORK_TIMEOUT_SECONDS = 15;

/**
 * The stores a server answers for: the one named with `ct mcp --store`, else every registered
 * store, else the default one (the built-in seeds store when nothing is registered). The
 * registry is re-read on each call, so `ct store add` in another terminal is seen at once.
 */
export class StoreSet {
  constructor(
    private readonly only: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  async all(): Promise<Store[]> {
    if (this.only) return [await this.cap(await resolveStore({ store: this.only, log: this.log }))];
    const registry = await readRegistry();
    if (registry.stores.length === 0) return [await this.cap(await resolveStore({ log: this.log }))];
    const stores = await Promise.all(
      registry.stores.map((s) =>
        openStore(s.path, 'default', s.name).catch(
          (e: Error) => (this.log(`store "${s.name}" unavailable: ${e.message}`), undefined),
        ),
      ),
    );
    return stores.filter((s): s is Store => s !== undefined).map((s) => this.capSync(s));
  }

  /** One store by name; without a name, the server's store or the default store. */
  async get(name?: string): Promise<Store> {
    const stores = await this.all();
    if (!name) {
      if (this.only || stores.length === 1) return stores[0] as Store;
      const registry = await readRegistry();
      const fallback = stores.find((s) => s.name === registry.default) ?? stores[0];
      if (fallback) return fallback;
    }
    const found = stores.find((s) => s.name === name);
    if (!found)
      throw new NotFoundError(
        'store-not-found',
        `no store named "${name}" is served here`,
        `stores: ${stores.map((s) => s.name).join(', ') || 'none'}`,
      );
    return found;
  }

  private async cap(store: Store): Promise<Store> {
    return this.capSync(store);
  }

  private capSync(store: Store): Store {
    const forge = store.config.forge;
    return {
      ...store,
      config: {
        ...store.config,
        forge: { ...forge, timeout_seconds: Math.min(forge.timeout_seconds, MCP_NETWORK_TIMEOUT_SECONDS) },
      },
    };
  }
}
