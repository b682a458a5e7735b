import ansis from 'ansis';
import type { Problem } from '../../trace/problem.js';
import type { Trace } from '../../trace/schema.js';

export const color = ansis;

/** `file:line  severity  rule  message` plus an indented hint: the shape compilers use. */
export function formatProblem(problem: Problem): string {
  const where = `${problem.file}${problem.line ? `:${problem.line}` : ''}${problem.field ? ` (${problem.field})` : ''}`;
  const severity = problem.severity === 'error' ? ansis.red('error') : ansis.yellow('warning');
  const hint = problem.hint ? `\n    ${ansis.dim(`hint: ${problem.hint}`)}` : '';
  return `${ansis.bold(where)}  ${severity}  ${ansis.dim(problem.rule)}  ${problem.message}${hint}`;
}

/** A trace for a terminal: a header of its metadata, then the markdown body as written. */
export function formatTrace(trace: Trace): string {
  const meta = [
    `${ansis.dim('id')}       ${trace.id}`,
    `${ansis.dim('tags')}     ${trace.tags.join(', ')}`,
    `${ansis.dim('created')}  ${trace.created}${trace.status === 'deprecated' ? `  ${ansis.yellow('deprecated')}` : ''}`,
    ...(trace.applies_to && Object.keys(trace.applies_to).length > 0
      ? [
          `${ansis.dim('applies')}  ${Object.entries(trace.applies_to)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        ]
      : []),
    ...(trace.agent?.model
      ? [`${ansis.dim('agent')}    ${trace.agent.model}${trace.agent.version ? ` (${trace.agent.version})` : ''}`]
      : []),
    `${ansis.dim('file')}     ${trace.path}`,
  ];
  return `${ansis.bold(trace.title)}\n${meta.join('\n')}\n\n${trace.body.trim()}\n`;
}

/** Pads columns of a small table (no borders: easy to read, easy to grep). */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, ansis.strip(cell).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - ansis.strip(cell).length),
        )
        .join('  '),
    )
    .join('\n');
}
