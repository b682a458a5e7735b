import type { ProjectProfile } from '../project/detect.js';
import { estimateTokens } from '../search/budget.js';
import type { SearchResult } from '../search/schema.js';
import { quoteTrace, UNTRUSTED_NOTICE } from './untrusted.js';

/** A trace chosen for the session context, with the topic it was found for. */
export interface ContextTrace {
  topic: string;
  result: SearchResult;
}

/** How long a solution excerpt may be: a session start gets pointers, not whole traces. */
const EXCERPT_CHARS = 320;

/** One line of facts about the project, e.g. "JavaScript project; uses react 18.3.1; npm". */
export function describeProject(profile: ProjectProfile): string {
  const parts: string[] = [];
  if (profile.languages.length) parts.push(`languages: ${profile.languages.slice(0, 4).join(', ')}`);
  if (profile.technologies.length)
    parts.push(
      `uses ${profile.technologies
        .slice(0, 10)
        .map((t) => (t.version ? `${t.name} ${t.version}` : t.name))
        .join(', ')}`,
    );
  if (profile.tools.length) parts.push(`configures ${profile.tools.join(', ')}`);
  if (profile.packageManagers.length) parts.push(`package manager: ${profile.packageManagers.join(', ')}`);
  return parts.join('; ');
}

/**
 * The additionalContext of the SessionStart hook: facts about the project, then the traces as
 * quoted, untrusted data (the same <trace> convention as the MCP tools), within `maxTokens`.
 * Traces that do not fit are left out; with none left, there is no context at all.
 */
export function renderSessionContext(
  profile: ProjectProfile,
  traces: ContextTrace[],
  stores: { name: string; traces: number }[],
  maxTokens: number,
): string | undefined {
  const sources = profile.sources.length ? ` (read from ${profile.sources.slice(0, 6).join(', ')})` : '';
  const head = [
    'CommonTrace session context: traces from a shared memory of coding problems other agents ' +
      'solved, picked for this project by `ct hook session-start`.',
    `Project facts${sources}: ${describeProject(profile)}.`,
    UNTRUSTED_NOTICE,
    `Traces about this stack from ${stores.map((s) => `store "${s.name}" (${s.traces} traces)`).join(', ')}, the best for each topic first:`,
  ].join('\n');
  const tail =
    'Before debugging an error or adopting an unfamiliar library here, search with the search_traces ' +
    'tool (get_trace returns a whole trace by id). After a non-obvious fix that you verified, ' +
    'contribute_trace records it; vote_trace up when a trace helped, down with a reason when it was ' +
    'wrong.';
  let used = estimateTokens(`${head}\n\n${tail}`);
  const blocks: string[] = [];
  for (const trace of traces) {
    const block = renderTrace(trace);
    const cost = estimateTokens(`\n\n${block}`);
    if (used + cost > maxTokens) continue;
    blocks.push(block);
    used += cost;
  }
  if (blocks.length === 0) return undefined;
  return [head, ...blocks, tail].join('\n\n');
}

function renderTrace({ topic, result }: ContextTrace): string {
  const trust = [
    result.trust.validated ? 'validated' : 'unvalidated',
    result.trust.up + result.trust.down > 0 ? `+${result.trust.up}/-${result.trust.down}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const excerpt = solutionExcerpt(result.solution ?? '') || result.snippet;
  return quoteTrace(
    { id: result.id, store: result.store, topic, tags: result.tags.join(', '), trust, note: result.stale.join('; ') },
    [`Title: ${result.title.replace(/\s+/g, ' ').trim()}`, `Solution (excerpt): ${excerpt}`],
  );
}

/**
 * The opening of a solution as one short paragraph: its first prose, with a leading one- or
 * two-line command inline; a longer code block is mentioned, not quoted. Cut at a word near
 * EXCERPT_CHARS.
 */
export function solutionExcerpt(solution: string): string {
  // Split on fenced blocks: even indexes are prose, odd ones code.
  const pieces = solution.split(/^(?:```|~~~)[^\n]*\n([\s\S]*?)^(?:```|~~~)[ \t]*$/m);
  let text = '';
  for (let i = 0; i < pieces.length && text.length < EXCERPT_CHARS / 2; i++) {
    const piece = (pieces[i] ?? '').trim();
    if (!piece) continue;
    if (i % 2 === 1) {
      const lines = piece.split('\n').filter((l) => l.trim());
      if (lines.length <= 2 && piece.length <= 120)
        text = `${text} ${lines.map((l) => `\`${l.trim()}\``).join('; ')}`.trim();
      else if (text) {
        text = text.endsWith(':') ? `${text.slice(0, -1)} (code in the trace).` : `${text} (code in the trace)`;
        break;
      }
      continue;
    }
    const prose = piece
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p && !p.startsWith('#'));
    text = `${text} ${prose.slice(0, 2).join(' ')}`.trim();
  }
  if (text.length <= EXCERPT_CHARS) return text.endsWith(':') ? `${text.slice(0, -1)} (code in the trace).` : text;
  const cut = text.slice(0, EXCERPT_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), EXCERPT_CHARS / 2)).replace(/[\s,;:]+$/, '')}…`;
}
