import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CtError, ExitCode, InvalidInputError, NotFoundError, UsageError } from '../errors.js';
import { getDataDir } from '../paths.js';
import { writeFileAtomic } from '../util/fs.js';

export const STORE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The name of the built-in store made from the package's seeds/ on first use. */
export const SEEDS_STORE_NAME = 'seeds';

export const RegisteredStoreSchema = z.object({
  name: z.string().regex(STORE_NAME_PATTERN).describe('The name commands take with --store.'),
  path: z.string().describe('Absolute path of the store checkout.'),
  url: z.string().optional().describe('The remote it was cloned from, when added by URL.'),
  managed: z.boolean().describe('True when ct cloned it into its data dir (removed with the store).'),
  added: z.string().describe('When it was registered (ISO 8601).'),
  builtin: z.boolean().optional().describe('The built-in seeds store, made from the package on first use.'),
  weight: z
    .number()
    .min(0.1)
    .max(10)
    .default(1)
    .describe('How much its results count in a search over several stores: relevance is multiplied by it.'),
  pin: z
    .string()
    .regex(/^[0-9a-f]{40,64}$/)
    .optional()
    .describe('A commit the store answers from (a detached worktree in the data dir): reproducible answers.'),
  last_sync: z.string().optional().describe('When `ct sync` last pulled it (ISO 8601).'),
});
export type RegisteredStore = z.infer<typeof RegisteredStoreSchema>;

const RegistrySchema = z.object({
  version: z.literal(1),
  default: z.string().optional(),
  /** The built-in seeds store is subscribed until `ct store remove seeds`, and again after `ct store add seeds`. */
  seeds: z.enum(['subscribed', 'removed']).default('subscribed'),
  stores: z.array(RegisteredStoreSchema),
});
export type Registry = z.infer<typeof RegistrySchema>;

export const registryFile = (): string => path.join(getDataDir(), 'stores.json');

export async function readRegistry(): Promise<Registry> {
  const file = registryFile();
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { version: 1, seeds: 'subscribed', stores: [] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InvalidInputError(
      'registry-invalid',
      `${file} is not valid JSON`,
      `fix or delete it (deleting forgets the registered stores, not their files), then re-add stores with \`ct store add\``,
    );
  }
  const result = RegistrySchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError(
      'registry-invalid',
      `${file} does not match the registry format: ${result.error.issues[0]?.message}`,
      'fix or delete it and re-add stores with `ct store add`',
    );
  }
  return result.data;
}

export async function writeRegistry(registry: Registry): Promise<void> {
  await writeFileAtomic(registryFile(), `${JSON.stringify(registry, null, 2)}\n`);
}

export function validateStoreName(name: string): void {
  if (!STORE_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `"${name}" is not a valid store name`,
      'use lowercase letters, digits, - and _, starting with a letter or digit (e.g. team-traces)',
    );
  }
}

/**
 * Every store a read searches: the registered ones, plus the built-in seeds store while it is
 * subscribed (listed even before it is created; it is created on first use).
 */
export function subscriptions(registry: Registry, seedsRoot: string): RegisteredStore[] {
  const listed = registry.stores.some((s) => s.name === SEEDS_STORE_NAME);
  if (listed || registry.seeds === 'removed') return registry.stores;
  const seeds: RegisteredStore = {
    name: SEEDS_STORE_NAME,
    path: seedsRoot,
    managed: true,
    builtin: true,
    added: '',
    weight: 1,
  };
  return [...registry.stores, seeds];
}

export async function registerStore(
  entry: Omit<RegisteredStore, 'added' | 'weight'> & { weight?: number },
  options: { makeDefault?: boolean } = {},
): Promise<{ store: RegisteredStore; isDefault: boolean }> {
  validateStoreName(entry.name);
  const registry = await readRegistry();
  if (registry.stores.some((s) => s.name === entry.name)) {
    throw new CtError('store-exists', `a store named "${entry.name}" is already registered`, {
      hint: `pick another name, or \`ct store remove ${entry.name}\` first`,
      exit: ExitCode.usage,
    });
  }
  const existing = registry.stores.find((s) => path.resolve(s.path) === path.resolve(entry.path));
  if (existing) {
    throw new CtError('store-exists', `${entry.path} is already registered as "${existing.name}"`, {
      hint: `use --store ${existing.name}`,
      exit: ExitCode.usage,
    });
  }
  const store: RegisteredStore = { ...entry, weight: entry.weight ?? 1, added: new Date().toISOString() };
  registry.stores.push(store);
  const isDefault = options.makeDefault === true || registry.default === undefined;
  if (isDefault) registry.default = store.name;
  await writeRegistry(registry);
  return { store, isDefault };
}

export async function unregisterStore(name: string): Promise<RegisteredStore> {
  const registry = await readRegistry();
  const store = registry.stores.find((s) => s.name === name);
  if (!store) throw unknownStore(name, registry);
  registry.stores = registry.stores.filter((s) => s.name !== name);
  if (registry.default === name) registry.default = registry.stores[0]?.name;
  await writeRegistry(registry);
  return store;
}

export async function setDefaultStore(name: string): Promise<void> {
  const registry = await readRegistry();
  if (!registry.stores.some((s) => s.name === name)) throw unknownStore(name, registry);
  registry.default = name;
  await writeRegistry(registry);
}

export function unknownStore(name: string, registry: Registry): NotFoundError {
  const names = registry.stores.map((s) => s.name);
  return new NotFoundError(
    'store-not-found',
    `no store named "${name}" is registered`,
    names.length
      ? `registered stores: ${names.join(', ')}; or pass a path to a store checkout`
      : 'register one with `ct store add <name> <url-or-path>`, or pass a path to a store checkout',
    { name },
  );
}

/** Records when `ct sync` last pulled a registered store (the built-in one is not pulled). */
export async function markSynced(name: string, at = new Date()): Promise<void> {
  const registry = await readRegistry();
  const entry = registry.stores.find((s) => s.name === name);
  if (!entry) return;
  entry.last_sync = at.toISOString();
  await writeRegistry(registry);
}
