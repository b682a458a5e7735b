import { hasTrace } from '../store/find-trace.js';
import { pickStore, selectStores } from '../store/select.js';
import type { Store } from '../store/store.js';

/** Network steps in a tool call stop after this, so a tool never blocks an agent for long. */
export const MCP_NETWORK_TIMEOUT_SECONDS = 15;

/**
 * The stores a server answers for (see selectStores): the one named with `ct mcp --store`, else
 * the store containing the working directory and every registered store, else the built-in seeds
 * store. Chosen again on each call, so `ct store add` in another terminal is seen at once; forge
 * timeouts are capped so that a write tool answers within seconds.
 */
export class ServedStores {
  constructor(
    private readonly only: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  async all(): Promise<Store[]> {
    const { stores } = await selectStores({ store: this.only, log: this.log });
    return stores.map(capNetworkTimeout);
  }

  /** The store a write about a trace goes to: the one named, else the served store that has it, else the default. */
  async forTrace(traceId: string, name?: string): Promise<Store> {
    if (name) return this.get(name);
    const all = await this.all();
    for (const store of all) if (await hasTrace(store.root, traceId)) return store;
    return pickStore(all);
  }

  /** One store by name; without a name, the server's store or the default one. */
  async get(name?: string): Promise<Store> {
    return pickStore(await this.all(), name);
  }
}

function capNetworkTimeout(store: Store): Store {
  const forge = store.config.forge;
  const timeout_seconds = Math.min(forge.timeout_seconds, MCP_NETWORK_TIMEOUT_SECONDS);
  return { ...store, config: { ...store.config, forge: { ...forge, timeout_seconds } } };
}
