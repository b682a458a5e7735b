import { readIndexState } from '../index/state.js';
import { detectProject, type ProjectProfile } from '../project/detect.js';
import { detectProjectVersions, type ProjectVersions } from '../project/versions.js';
import { type ContextTrace, renderSessionContext } from '../render/session-context.js';
import { injectionWarnings } from '../render/untrusted.js';
import { readPackagedSeeds, type ScannedTrace, scanTraces } from '../search/scan.js';
import type { SearchResult } from '../search/schema.js';
import { searchStores } from '../search/search.js';
import { readRegistry, SEEDS_STORE_NAME, subscriptions } from '../store/registry.js';
import { isBuiltinStore, seedsStoreRoot } from '../store/seeds.js';
import { selectStores } from '../store/select.js';
import type { Store } from '../store/store.js';
import { isHookEnabled } from './config.js';
import type { SessionStartInput, SessionStartOutput } from './schema.js';
import { startSeedsBuild } from './seeds-build.js';

export interface SessionStartOptions {
  /** Stop starting new searches after this many ms (what was found so far is used). */
  softDeadlineMs?: number;
  /** The most traces in the context (default 5). */
  maxTraces?: number;
  /** Token budget of the whole context (default 1,500, ~4 characters a token). */
  maxTokens?: number;
  env?: NodeJS.ProcessEnv;
  /** Why there is no context, when there is none. */
  onSkip?: (reason: string) => void;
}

export interface SessionStartContext {
  context: string;
  profile: ProjectProfile;
  traces: ContextTrace[];
}

interface Topic {
  name: string;
  query: string;
}

/** The whole hook, node start-up included, stays under this (CT_HOOK_TIMEOUT_MS overrides). */
const DEFAULT_TIME_LIMIT_MS = 1800;
const MAX_TOPICS = 8;
const PER_TOPIC = 3;
const LANGUAGE_TOPICS: Record<string, string> = {
  TypeScript: 'typescript',
  JavaScript: 'javascript',
  Python: 'python',
  Go: 'go',
  Rust: 'rust',
  Shell: 'bash',
  'C#': 'csharp',
  'C++': 'cpp',
};

export interface SessionStartHookResult {
  output: SessionStartOutput | undefined;
  /** The time limit passed before the context was ready (work may still be pending: exit). */
  timedOut: boolean;
  /** Why there is no output, for debugging. */
  silentBecause?: string;
}

/**
 * The SessionStart hook: the context for the session as the documented hook output, or nothing
 * (hooks turned off, no store, no index, nothing relevant, out of time). Within the time limit
 * counted from process start, so `ct` start-up is included.
 */
export async function runSessionStartHook(
  input: SessionStartInput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SessionStartHookResult> {
  if (!(await isHookEnabled('session-start', env)))
    return { output: undefined, timedOut: false, silentBecause: 'turned off (CT_HOOKS or config.json)' };
  const limit = Number(env.CT_HOOK_TIMEOUT_MS) > 0 ? Number(env.CT_HOOK_TIMEOUT_MS) : DEFAULT_TIME_LIMIT_MS;
  const remaining = limit - performance.now();
  if (remaining <= 0) return { output: undefined, timedOut: true, silentBecause: 'out of time before starting' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)));
  let skipped = 'nothing to add';
  const work = buildSessionStartContext(input.cwd ?? process.cwd(), {
    softDeadlineMs: Math.max(0, remaining - 500),
    env,
    onSkip: (reason) => (skipped = reason),
  });
  const result = await Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  if (result === 'timeout') return { output: undefined, timedOut: true, silentBecause: `out of time (${limit} ms)` };
  if (!result) return { output: undefined, timedOut: false, silentBecause: skipped };
  return {
    output: { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: result.context } },
    timedOut: false,
  };
}

/**
 * What the SessionStart hook adds to a new session: the project's stack, detected from its
 * files, and a few traces about it from the local indexes. Reads only indexes that already
 * exist (a missing one is skipped, a stale one used as it is: building one takes too long for a
 * session start), except the built-in seeds store's: until it is built (in the background, started
 * here) the packaged seed files are searched directly. Undefined when there is nothing worth adding.
 */
export async function buildSessionStartContext(
  cwd: string,
  options: SessionStartOptions = {},
): Promise<SessionStartContext | undefined> {
  const started = Date.now();
  const softDeadline = started + (options.softDeadlineMs ?? 1000);
  const env = options.env ?? process.env;
  const [profile, stores] = await Promise.all([detectProject(cwd), hookStores(cwd, env)]);
  const skip = (reason: string) => (options.onSkip?.(reason), undefined);
  const topics = topicsFor(profile);
  if (topics.length === 0) return skip(`nothing detected in ${cwd}`);

  const indexed: { store: Store; traces: number }[] = [];
  for (const store of stores) {
    const state = store.config.index.remote
      ? await remoteState(store, softDeadline, skip)
      : await readIndexState(store.root);
    if (state && state.traces > 0) indexed.push({ store, traces: state.traces });
  }
  // The built-in seeds store is created and indexed on first use, which takes longer than a
  // session start: the first sessions read the packaged seeds directly while a background
  // process builds it.
  // Read once: each topic's searches judge freshness against them.
  const project = await detectProjectVersions(cwd);
  const seeds = await unbuiltSeeds(indexed, env, project);
  if (indexed.length === 0 && !seeds)
    return skip(`no index yet for ${stores.map((s) => s.name).join(', ') || 'any store'}`);
  const sources = [
    ...indexed.map((s) => ({ name: s.store.name, traces: s.traces })),
    ...(seeds ? [{ name: SEEDS_STORE_NAME, traces: seeds.traces.length }] : []),
  ];

  // Per topic, the best traces of every store; topics are searched in priority order until the
  // soft deadline, so a slow disk shortens the list instead of delaying the session.
  const found = new Map<string, ContextTrace[]>();
  for (const topic of topics) {
    if (Date.now() > softDeadline) break;
    // A store whose index cannot be read is left out; the others still count.
    const hits = indexed.length
      ? await searchTopic(
          indexed.map((s) => s.store),
          topic,
          { cwd, project },
        ).catch(() => [])
      : [];
    if (seeds) hits.push(...(await seeds.search(topic)));
    found.set(
      topic.name,
      hits.map((result) => ({ topic: topic.name, result })),
    );
  }
  if (found.size === 0) return skip('out of time before the first search');
  const chosen = interleave(topics, found, options.maxTraces ?? 5);
  const context = renderSessionContext(profile, chosen, sources, options.maxTokens ?? 1500);
  return context
    ? { context, profile, traces: chosen }
    : skip(`no trace matches ${topics.map((t) => t.name).join(', ')}`);
}

/**
 * When the seeds store is subscribed (not removed, no CT_STORE) but not indexed yet: starts its
 * background build and returns a search over the packaged seed files (src/search/scan.ts) with
 * the same tag-then-text rule as searchTopic.
 */
async function unbuiltSeeds(
  indexed: readonly { store: Store }[],
  env: NodeJS.ProcessEnv,
  project: ProjectVersions,
): Promise<{ traces: ScannedTrace[]; search: (topic: Topic) => Promise<SearchResult[]> } | undefined> {
  if (env.CT_STORE?.trim()) return undefined;
  if (indexed.some((s) => isBuiltinStore(s.store))) return undefined;
  const registry = await readRegistry();
  if (!subscriptions(registry, seedsStoreRoot()).some((s) => s.builtin)) return undefined;
  await startSeedsBuild(env).catch(() => undefined);
  const traces = await readPackagedSeeds();
  return {
    traces,
    search: async (topic) => {
      const run = (tags: string[], limit: number) =>
        scanTraces(
          traces,
          { query: topic.query, tags, limit, store: SEEDS_STORE_NAME, validated: true },
          project,
        ).filter(isFitToShow);
      const tagged = run([topic.name], PER_TOPIC);
      return tagged.length > 0 ? tagged : run([], 2);
    },
  };
}

/** Technologies first (the most telling), then infrastructure, then the main language. */
export function topicsFor(profile: ProjectProfile): Topic[] {
  const language = profile.languages[0];
  const names = [
    ...profile.technologies.map((t) => t.name),
    ...profile.tools,
    ...(language ? [LANGUAGE_TOPICS[language] ?? language.toLowerCase()] : []),
  ];
  return [...new Set(names)].slice(0, MAX_TOPICS).map((name) => ({ name, query: name }));
}

/** Traces tagged with the topic, else traces that mention it; only ones fit to show unasked. */
async function searchTopic(
  stores: Store[],
  topic: Topic,
  where: { cwd: string; project: ProjectVersions },
): Promise<SearchResult[]> {
  const search = (tags: string[], limit: number) =>
    searchStores(
      stores,
      { query: topic.query, tags, limit: limit * stores.length, detail: 'full' },
      { ...where, autoUpdate: false },
    ).then((r) => r.results.filter(isFitToShow));
  const tagged = await search([topic.name], PER_TOPIC);
  return tagged.length > 0 ? tagged : search([], 2);
}

/**
 * A session start is unsolicited: leave out traces that may not fit the project's versions, that
 * are deprecated or disputed, or whose text addresses the reading agent.
 */
function isFitToShow(result: SearchResult): boolean {
  if (result.status === 'deprecated' || result.trust.disputed) return false;
  if (result.stale.some((s) => s.startsWith('applies to'))) return false;
  return (
    injectionWarnings([result.title, result.tags.join(' '), result.context ?? '', result.solution ?? result.snippet])
      .length === 0
  );
}

/** Round-robin over the topics in priority order, so one framework does not take every slot. */
function interleave(topics: Topic[], found: Map<string, ContextTrace[]>, max: number): ContextTrace[] {
  const chosen: ContextTrace[] = [];
  const ids = new Set<string>();
  for (let round = 0; round < PER_TOPIC && chosen.length < max; round++) {
    for (const topic of topics) {
      const hits = (found.get(topic.name) ?? []).filter((h) => !ids.has(`${h.result.store}/${h.result.id}`));
      const next = hits[0];
      if (!next || chosen.length >= max) continue;
      chosen.push(next);
      ids.add(`${next.result.store}/${next.result.id}`);
    }
  }
  return chosen;
}

/** A session start reads at most this many stores: each one opens its own index. */
const MAX_STORES = 3;

/**
 * The index of a store queried in place on object storage (ct.yml index.remote), opened within
 * the soft deadline: a slow or unreachable bucket leaves that store out, not the session's context.
 * (A search then reuses the opened table.)
 */
async function remoteState(
  store: Store,
  deadline: number,
  skip: (reason: string) => undefined,
): Promise<{ traces: number } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
  });
  const open = import('../index/remote.js').then((m) => m.openRemoteIndex(store));
  try {
    const opened = await Promise.race([open, late]);
    if (opened === 'late') return skip(`the remote index of ${store.name} did not answer in time`);
    return opened.state;
  } catch (e) {
    return skip(`the remote index of ${store.name} cannot be read: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
    open.catch(() => undefined);
  }
}

/**
 * The stores a hook may read (selectStores: CT_STORE, else the project's store and the registered
 * ones), without creating the seeds store: a session start has no time for it.
 */
async function hookStores(cwd: string, env: NodeJS.ProcessEnv): Promise<Store[]> {
  const selected = await selectStores({ store: env.CT_STORE?.trim() || undefined, cwd, createSeeds: false }).catch(
    () => ({ stores: [] }),
  );
  return selected.stores.slice(0, MAX_STORES);
}
