import type { Trace } from '../trace/schema.js';
import { injectionWarnings, quoteTrace, UNTRUSTED_NOTICE, warningLine } from './untrusted.js';

/**
 * One whole trace for an agent (the MCP `get_trace` tool): the notice, a warning when its text
 * addresses agents, then the trace quoted: metadata as escaped attributes, title and body inside.
 */
export function renderTrace(trace: Trace, store: string, trust: string): string {
  const warning = warningLine(injectionWarnings([trace.title, trace.tags.join(' '), trace.body]));
  return [
    UNTRUSTED_NOTICE,
    ...(warning ? [warning] : []),
    quoteTrace(
      {
        id: trace.id,
        store,
        trust,
        tags: trace.tags.join(', '),
        created: trace.created,
        status: trace.status,
      },
      [`Title: ${trace.title.replace(/\s+/g, ' ').trim()}`, trace.body.trim()],
    ),
  ].join('\n');
}
