import type { SearchCommandInput } from '../cli/search-command.js';

/** `ct search`'s arguments parsed for the fast path, with --json. */
export interface FastSearchArgs extends SearchCommandInput {
  json: boolean;
}

const VALUE_FLAGS: Record<string, 'store' | 'tag' | 'limit' | 'budget'> = {
  '--store': 'store',
  '-s': 'store',
  '--tag': 'tag',
  '-t': 'tag',
  '--limit': 'limit',
  '-n': 'limit',
  '--budget': 'budget',
};

/**
 * The arguments of `ct search` (without the command name) when they are plain: query words and
 * the flags `--store/-s`, `--tag/-t`, `--limit/-n`, `--budget`, `--json`, each value valid. Anything
 * else (another flag, `--help`, `--`, a value oclif would reject, a repeatable flag followed by
 * more words, which oclif reads greedily as more values, CT_STORE) is undefined: oclif then parses
 * it, so its messages and meaning stay the only ones.
 */
export function parseFastSearchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): FastSearchArgs | undefined {
  if (env.CT_STORE) return undefined;
  const words: string[] = [];
  const parsed: FastSearchArgs = { query: '', limit: 5, json: false };
  const once = new Set<string>();
  let afterRepeatable = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-') || token === '-') {
      if (afterRepeatable) return undefined;
      words.push(token);
      continue;
    }
    afterRepeatable = false;
    if (token === '--json') {
      if (parsed.json) return undefined;
      parsed.json = true;
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const flag = VALUE_FLAGS[name];
    if (!flag) return undefined;
    const value = eq > 0 ? token.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (flag === 'store' || flag === 'tag') {
      parsed[flag] = [...(parsed[flag] ?? []), value];
      afterRepeatable = true;
      continue;
    }
    if (!/^\d+$/.test(value)) return undefined;
    const n = Number(value);
    if (flag === 'limit' ? n < 1 || n > 100 : n < 50) return undefined;
    if (once.has(flag)) return undefined; // oclif: "can only be specified once"
    once.add(flag);
    parsed[flag] = n;
  }
  if (words.length === 0) return undefined;
  parsed.query = words.join(' ');
  return parsed;
}

/**
 * The arguments of `ct index` when they are plain (`--store/-s <name|path>`, `--full`, `--json`,
 * each at most once); anything else is left to oclif. CT_STORE stands in for --store, as in oclif.
 */
export function parseFastIndexArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { store?: string; full: boolean; json: boolean } | undefined {
  const parsed: { store?: string; full: boolean; json: boolean } = { full: false, json: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const flag = name === '-s' ? '--store' : name;
    if (seen.has(flag)) return undefined;
    seen.add(flag);
    if ((flag === '--full' || flag === '--json') && eq < 0) parsed[flag === '--full' ? 'full' : 'json'] = true;
    else if (flag === '--store') {
      const value = eq > 0 ? token.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      parsed.store = value;
    } else return undefined;
  }
  if (parsed.store === undefined && env.CT_STORE) parsed.store = env.CT_STORE;
  return parsed;
}
