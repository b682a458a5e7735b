import type { SearchResult } from '../../search/schema.js';
import { color } from './common.js';

/** One search result for a person: title, id, tags and badges, the snippet, and why it ranked there. */
export function formatSearchResult(r: SearchResult, n: number, showStore = false): string {
  const badges = [
    r.trust.validated ? color.green('validated') : '',
    r.trust.disputed ? color.red(`disputed (${r.trust.flags} flag${r.trust.flags === 1 ? '' : 's'})`) : '',
    r.status === 'deprecated' ? color.yellow('deprecated') : '',
    r.stale.length ? color.yellow('may be stale') : '',
  ]
    .filter(Boolean)
    .join(' ');
  const trust = r.trust.up + r.trust.down > 0 ? `+${r.trust.up}/-${r.trust.down}` : '';
  const why = [
    r.why.matched_terms.length ? `matched: ${r.why.matched_terms.slice(0, 8).join(', ')}` : 'similar meaning',
    ...r.why.adjustments.map((a) => `${a.factor} ${a.delta > 0 ? '+' : ''}${a.delta}`),
  ].join('; ');
  const lines = [
    `${color.bold(`${n}. ${r.title}`)}`,
    `   ${color.dim(showStore ? `${r.store}/${r.id}` : r.id)}  ${r.tags.map((t) => color.cyan(t)).join(' ')}  ${[trust, badges].filter(Boolean).join(' ')}`.trimEnd(),
    `   ${r.snippet}`,
    `   ${color.dim(`why: ${why} (score ${r.score.toFixed(3)})`)}`,
  ];
  for (const s of r.stale) lines.push(`   ${color.yellow(`note: ${s}`)}`);
  if (r.also_in.length) lines.push(`   ${color.dim(`also in: ${r.also_in.map((a) => a.store).join(', ')}`)}`);
  if (r.detail === 'full')
    lines.push('', indent(`## Context\n${r.context ?? ''}\n\n## Solution\n${r.solution ?? ''}`), '');
  return `${lines.join('\n')}\n`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
