import type { TraceDiff } from '../../trace-log/trace-diff.js';
import { color } from './common.js';

/** `ct diff`: the changes between the points (date, who, what and why), then the file's diff. */
export function formatTraceDiff(diff: TraceDiff): string {
  const point = (p: TraceDiff['from']) =>
    p.commit ? `${p.at === p.commit ? p.commit.slice(0, 12) : `${p.at} (${p.commit.slice(0, 12)})`}` : p.at;
  const header = color.bold(`${diff.id}: ${point(diff.from)} -> ${point(diff.to)}`);
  const changes = diff.changes.map(
    (e) => `  ${color.dim(e.at.slice(0, 10))}  ${e.author.name}  ${e.summary}  ${color.dim(e.commit.slice(0, 8))}`,
  );
  const fields = diff.fields.length ? color.dim(`changed: ${diff.fields.map((f) => f.field).join(', ')}`) : '';
  const body = diff.diff
    .split('\n')
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? color.green(l)
        : l.startsWith('-') && !l.startsWith('---')
          ? color.red(l)
          : l.startsWith('@@')
            ? color.cyan(l)
            : l,
    )
    .join('\n')
    .trimEnd();
  return [
    header,
    ...(changes.length ? changes : [color.dim('  no commit changed the trace between these points')]),
    ...(fields ? [fields] : []),
    '',
    body,
  ].join('\n');
}
