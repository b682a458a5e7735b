/**
 * Reputation: how much a person's votes weigh on traces about a subject, earned from history.
 *
 *   rep(p, tag) = (merged traces authored by p that carry `tag`)
 *               + (counted up-votes those traces received)
 *
 *   weight(v on T) = 1 + log2(1 + max over tags t of T of rep(voter(v), t))
 *
 * A person is a voter key (voterKey of the git author email). "Merged" means added by a commit
 * of the current branch; "counted" is defined in score.ts (valid, written by its voter, not the
 * trace's author). Reputation never depends on weights, so there is no fixed point to solve:
 * one pass over the traces. The logarithm keeps one prolific author from outvoting everyone:
 * rep 0 -> weight 1, rep 1 -> 2, rep 3 -> 3, rep 7 -> 4, rep 1023 -> 11.
 */

/** person (voter key) -> tag -> reputation */
export type Reputation = Map<string, Map<string, number>>;

export interface AuthoredTrace {
  id: string;
  tags: readonly string[];
  /** The author's voter key; null when the trace is not merged (not committed on this branch). */
  author: string | null;
}

/** Builds rep(p, tag) from the merged traces and the counted up-votes per trace id. */
export function computeReputation(
  traces: readonly AuthoredTrace[],
  countedUpVotes: ReadonlyMap<string, number>,
): Reputation {
  const reputation: Reputation = new Map();
  for (const trace of traces) {
    if (trace.author === null) continue;
    let byTag = reputation.get(trace.author);
    if (!byTag) reputation.set(trace.author, (byTag = new Map()));
    const earned = 1 + (countedUpVotes.get(trace.id) ?? 0);
    for (const tag of new Set(trace.tags)) byTag.set(tag, (byTag.get(tag) ?? 0) + earned);
  }
  return reputation;
}

/** max over `tags` of rep(person, tag), and the tag that gives it (null when all are 0). */
export function reputationIn(
  reputation: Reputation,
  person: string,
  tags: readonly string[],
): { value: number; tag: string | null } {
  const byTag = reputation.get(person);
  let best = { value: 0, tag: null as string | null };
  for (const tag of tags) {
    const value = byTag?.get(tag) ?? 0;
    if (value > best.value) best = { value, tag };
  }
  return best;
}

/** weight = 1 + log2(1 + reputation): 1 for a newcomer, growing slowly with reputation. */
export function voteWeight(reputation: number): number {
  return 1 + Math.log2(1 + Math.max(0, reputation));
}
