import type { TraceEvent, TraceLog } from '../../trace-log/trace-log.js';
import { color } from './common.js';

/** `ct log`: a header, one line per event (date, what, who, details, commit), then the tally. */
export function formatTraceLog(log: TraceLog): string {
  const header = `${color.bold(log.title ?? log.id)}\n${color.dim(`${log.id}  ${log.path}${log.deleted ? '  (deleted)' : ''}`)}`;
  const rows = log.events.map((e) => [
    color.dim(e.at.slice(0, 16).replace('T', ' ')),
    label(e),
    e.author.name,
    e.summary,
    color.dim(e.commit.slice(0, 8)),
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => color.strip(r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i < 3 ? cell + ' '.repeat((widths[i] ?? 0) - color.strip(cell).length) : cell)).join('  '),
  );
  const { up, down, not_counted: notCounted, flags, status } = log.current;
  const tally = `now: ${up} up, ${down} down${notCounted ? ` (+${notCounted} not counted)` : ''}, ${flags} flag${flags === 1 ? '' : 's'}${status === 'deprecated' ? ', deprecated' : ''}`;
  return [header, '', ...(lines.length ? lines : [color.dim('no commits touch this trace')]), '', tally].join('\n');
}

function label(event: TraceEvent): string {
  switch (event.type) {
    case 'created':
      return color.green('created');
    case 'vote':
      if (event.action === 'withdrawn') return 'unvoted';
      return event.vote === 'down' ? color.red('vote down') : event.vote === 'up' ? color.green('vote up') : 'vote';
    case 'flag':
      return color.yellow(event.action === 'removed' ? 'unflagged' : 'flagged');
    case 'deprecated':
    case 'deleted':
      return color.yellow(event.type);
    default:
      return event.type;
  }
}
