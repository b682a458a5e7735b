import fs from 'node:fs/promises';
import path from 'node:path';
import { FlagFileSchema, VoteFileSchema } from '../store/votes.js';
import { parseYamlSafely } from '../trace/frontmatter.js';

export interface TraceSignals {
  up: number;
  down: number;
  flags: number;
  flagReasons: string[];
  /** Wilson score lower bound (95%) of the up-vote share; 0 with no votes. */
  trust: number;
  validated: boolean;
  disputed: boolean;
}

/**
 * Wilson score interval lower bound for `up` successes out of `up + down` trials at z = 1.96:
 * a trace with 3 of 3 up-votes ranks below one with 30 of 32, because its share is less certain.
 */
export function wilsonLowerBound(up: number, down: number, z = 1.96): number {
  const n = up + down;
  if (n === 0) return 0;
  const p = up / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

/**
 * Votes and flags per trace id, read from votes/<id>/<voter>.yml and flags/<id>/<voter>.yml.
 * Malformed files are ignored here (`ct check` reports them). Seeds count as validated.
 */
export async function readSignals(root: string, options: { validatedAfter: number; seededIds?: ReadonlySet<string> }): Promise<Map<string, TraceSignals>> {
  const signals = new Map<string, TraceSignals>();
  const get = (id: string) => {
    let s = signals.get(id);
    if (!s) signals.set(id, (s = { up: 0, down: 0, flags: 0, flagReasons: [], trust: 0, validated: false, disputed: false }));
    return s;
  };
  for (const [kind, schema] of [['votes', VoteFileSchema], ['flags', FlagFileSchema]] as const) {
    const ids = await fs.readdir(path.join(root, kind)).catch(() => [] as string[]);
    await Promise.all(
      ids.map(async (id) => {
        const files = await fs.readdir(path.join(root, kind, id)).catch(() => [] as string[]);
        for (const file of files.filter((f) => f.endsWith('.yml'))) {
          let data: unknown;
          try {
            data = parseYamlSafely(await fs.readFile(path.join(root, kind, id, file), 'utf8'));
          } catch {
            continue;
          }
          const parsed = schema.safeParse(data);
          if (!parsed.success) continue;
          const s = get(id);
          if ('vote' in parsed.data) parsed.data.vote === 'up' ? s.up++ : s.down++;
          else {
            s.flags++;
            s.flagReasons.push(parsed.data.reason);
          }
        }
      }),
    );
  }
  for (const [id, s] of signals) {
    s.trust = wilsonLowerBound(s.up, s.down);
    s.validated = s.up >= options.validatedAfter || options.seededIds?.has(id) === true;
    s.disputed = s.flags > 0;
  }
  for (const id of options.seededIds ?? []) if (!signals.has(id)) get(id).validated = true;
  return signals;
}
