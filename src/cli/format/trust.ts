import type { TrustExplanation } from '../../trust/explain.js';
import { color, formatTable } from './common.js';

/** How one trace's trust was computed, for a person: every vote with its weight, the flags, the bound. */
export function formatTrustExplanation(t: TrustExplanation): string {
  const yes = (b: boolean) => (b ? color.green('yes') : 'no');
  const lines = [
    `${color.bold(t.title)}`,
    `${color.dim('id')}         ${t.id}`,
    `${color.dim('file')}       ${t.path}`,
    `${color.dim('tags')}       ${t.tags.join(', ')}`,
    `${color.dim('author')}     ${t.author ?? 'unknown (not committed on this branch)'}${t.seed ? ' (seed)' : ''}`,
    '',
  ];
  if (t.votes.length === 0) lines.push('No votes.');
  else {
    const rows = [['voter', 'vote', 'reputation', 'weight', 'counted'].map((h) => color.dim(h))];
    for (const v of t.votes) {
      const rep = `${v.reputation}${v.reputation_tag ? ` (${v.reputation_tag})` : ''}`;
      rows.push([
        v.voter,
        v.vote ?? '?',
        rep,
        v.counted ? v.weight.toFixed(3) : '-',
        v.counted ? color.green('yes') : `no: ${v.reason}`,
      ]);
    }
    lines.push(`Votes (weight = 1 + log2(1 + reputation)):`, indent(formatTable(rows)));
  }
  if (t.flag_files.length > 0) {
    const rows = [['flagger', 'reason', 'counted', 'written by flagger'].map((h) => color.dim(h))];
    for (const f of t.flag_files)
      rows.push([
        f.voter,
        f.reason ?? '?',
        yes(f.counted),
        f.written_by_voter === null ? 'not committed' : yes(f.written_by_voter),
      ]);
    lines.push('', 'Flags:', indent(formatTable(rows)));
  }
  lines.push(
    '',
    `W+ = ${t.weighted_up.toFixed(3)} (${t.up} up), W- = ${t.weighted_down.toFixed(3)} (${t.down} down)${t.author_votes_ignored ? `; ${t.author_votes_ignored} author vote(s) ignored` : ''}${t.unverified_votes_ignored ? `; ${t.unverified_votes_ignored} unverified vote(s) ignored` : ''}`,
    `trust      ${t.trust.toFixed(3)}  (Wilson lower bound, 95%, of ${t.weighted_up.toFixed(3)} out of ${(t.weighted_up + t.weighted_down).toFixed(3)})`,
    `validated  ${yes(t.validated)}  (${t.validated_because})`,
    `disputed   ${t.disputed ? color.yellow('yes') : 'no'}${t.disputed ? `  (${t.flags} flag(s): ${[...new Set(t.flagReasons)].join(', ')})` : ''}`,
  );
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
