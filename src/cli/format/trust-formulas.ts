import { ADJUST } from '../../search/rank.js';
import { SEEDS_IDENTITY } from '../../store/seeds.js';

/**
 * The trust formulas in words: printed by `ct trust` (no id) and shown by `ct help trust`. Each
 * entry names a quantity and defines it; the code that implements it is named in `where`.
 */
export const TRUST_FORMULAS = [
  {
    name: 'voterKey(email)',
    definition: "the first 16 hex digits of sha256(lower-cased email): the name of a person's vote and flag files",
    where: 'src/store/votes.ts',
  },
  {
    name: 'author(T)',
    definition:
      'voterKey of the author email of the commit that added the trace file, following renames; none ' +
      'while the trace is not committed on the current branch',
    where: 'src/trust/history.ts',
  },
  { name: 'voter(v)', definition: 'the <voter> in votes/<trace-id>/<voter>.yml', where: 'src/trust/ballots.ts' },
  {
    name: 'counted(v)',
    definition:
      "the file is a valid vote, is committed on the current branch, voter(v) = voterKey of the author of the last commit that wrote it, and voter(v) != author(T) (authors' votes on their own traces do not count)",
    where: 'src/trust/score.ts',
  },
  {
    name: 'rep(p, tag)',
    definition:
      'the traces p authored that carry the tag and are merged on the current branch, plus the ' +
      'counted up-votes those traces received',
    where: 'src/trust/reputation.ts',
  },
  {
    name: 'weight(v)',
    definition:
      '1 + log2(1 + max over the tags t of T of rep(voter(v), t)): 1 for a newcomer, 2 at rep 1, 3 ' +
      'at rep 3, 4 at rep 7',
    where: 'src/trust/reputation.ts',
  },
  {
    name: 'W+, W-',
    definition: 'the sums of weight(v) over the counted up-votes and down-votes on T',
    where: 'src/trust/score.ts',
  },
  {
    name: 'trust(T)',
    definition:
      'the Wilson score lower bound at 95% (z = 1.96) of W+ successes in n = W+ + W- trials: (p + ' +
      'z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n) with p = W+/n; 0 when n = 0',
    where: 'src/trust/wilson.ts',
  },
  {
    name: 'validated(T)',
    definition: `at least policy.validated_after (ct.yml, default 2) counted up-votes, which are from distinct people other than the author; or T was added by a seed import (commit author ${SEEDS_IDENTITY.email})`,
    where: 'src/trust/score.ts',
  },
  {
    name: 'disputed(T)',
    definition:
      'at least one valid flag file in flags/<trace-id>/: ranked down, never hidden, until a ' +
      'reviewer amends, deprecates or removes the trace',
    where: 'src/trust/score.ts',
  },
  {
    name: 'ranking',
    definition: `search adds ${ADJUST.validated} when validated, ${ADJUST.trust} × trust, and ${ADJUST.disputed} when disputed to a result's relevance`,
    where: 'src/search/rank.ts',
  },
] as const;

const NOTES = [
  'Everything is derived from the checkout and the history of its current branch; nothing is stored in the trace.',
  "Merge vote pull requests with a merge commit or a rebase: a squash merge may record another author or address than the voter's own commit, and the vote then stops counting.",
  "`ct check --base <ref>` (the store's CI) rejects commits that write another voter's vote or flag file, and unsigned ones where ct.yml sets policy.require_signed_votes.",
];

/**
 * The formulas as text for a terminal, wrapped at `width` with the definitions aligned; with
 * `width` 0 one line per formula (for oclif's help, which wraps text itself).
 */
export function formatTrustFormulas(width = 100): string {
  const nameWidth = Math.max(...TRUST_FORMULAS.map((f) => f.name.length));
  const body =
    width > 0
      ? TRUST_FORMULAS.map((f) =>
          wrap(f.definition, width - nameWidth - 4)
            .map((line, i) => `  ${(i === 0 ? f.name : '').padEnd(nameWidth)}  ${line}`)
            .join('\n'),
        )
      : TRUST_FORMULAS.map((f) => `${f.name}: ${f.definition}`);
  const notes =
    width > 0
      ? NOTES.map((n) =>
          wrap(n, width - 4)
            .map((line, i) => `${i === 0 ? '  - ' : '    '}${line}`)
            .join('\n'),
        )
      : NOTES;
  return ['How CommonTrace computes trust (T is a trace, v a vote on it, p a person):', '', ...body, '', ...notes].join(
    '\n',
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
