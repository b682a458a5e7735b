import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to a mistyped `input` (`serch` -> `search`, `jsn` -> `json`), or undefined
 * when none is close enough to be a typo: at most a third of the candidate's length (and at least
 * one edit) apart, so `ct deploy` suggests nothing rather than a random command.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const d = typoDistance(input, name);
    if (d <= Math.max(1, Math.floor(name.length / 3)) && (!best || d < best.distance)) best = { name, distance: d };
  }
  return best?.name;
}

/**
 * A command id for a mistyped one. oclif joins every word before the first flag into the id
 * (`ct serch react` -> `serch:react`), so each leading run of words is tried: the closest match
 * wins, and the words after it stay arguments.
 */
export function suggestCommand(id: string, commandIds: readonly string[]): { id: string; rest: string[] } | undefined {
  const words = id.split(':');
  let best: { id: string; rest: string[]; distance: number } | undefined;
  for (let n = words.length; n >= 1; n--) {
    const typed = words.slice(0, n).join(':');
    const match = closestName(typed, commandIds);
    if (!match) continue;
    const d = typoDistance(typed, match);
    if (!best || d < best.distance) best = { id: match, rest: words.slice(n), distance: d };
  }
  return best && { id: best.id, rest: best.rest };
}

/** Edit distance, with swapped letters (`tga` for `tag`) counted as one typo rather than two. */
function typoDistance(a: string, b: string): number {
  const d = distance(a, b);
  return d === 2 && a.length === b.length && [...a].sort().join('') === [...b].sort().join('') ? 1 : d;
}
