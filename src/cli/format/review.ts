import type { AcceptResult } from '../../review/accept.js';
import type { ReviewItem, ReviewList } from '../../review/list.js';
import type { ReviewShow } from '../../review/show.js';
import { color, formatProblem, formatTable } from './common.js';

const checkLabel = (check: ReviewItem['check']) =>
  check.errors > 0
    ? color.red(`${check.errors} error(s)`) + (check.warnings ? color.yellow(` ${check.warnings} warning(s)`) : '')
    : check.warnings > 0
      ? color.yellow(`ok, ${check.warnings} warning(s)`)
      : color.green('ok');

/** `ct review list`: one row per branch (kind, branch, check, author, date), its subject below. */
export function formatReviewList(list: ReviewList): string {
  if (list.branches.length === 0)
    return `No open contribution branches${list.remote ? ` on ${list.remote}` : ''} (base: ${list.base}).`;
  const table = formatTable(
    list.branches.map((b) => [
      b.kind,
      color.bold(b.branch),
      checkLabel(b.check),
      `${b.author.name} <${b.author.email}>`,
      b.date.slice(0, 10),
    ]),
  ).split('\n');
  const rows = list.branches.flatMap((b, i) => [
    table[i] ?? '',
    color.dim(`       ${b.subject} (${b.files.length} file(s), ${b.commits} commit(s))`),
  ]);
  return `${list.branches.length} open contribution branch(es)${list.remote ? ` on ${list.remote}` : ''}, base ${list.base}:\n\n${rows.join('\n')}\n\nNext: ct review show <branch>, ct review accept <branch>, ct review reject <branch> --reason "..."`;
}

/** `ct review show`: the summary, the files, every check problem, then the diff. */
export function formatReviewShow(review: ReviewShow): string {
  const files = review.files.map((f) => `  ${f.status.padEnd(9)} ${f.from ? `${f.from} -> ` : ''}${f.path}`);
  const problems = review.check.problems.map((p) => `  ${formatProblem(p).replace(/\n/g, '\n  ')}`);
  return [
    `${color.bold(review.branch)}  ${review.kind}  ${checkLabel(review.check)}`,
    `${review.subject}`,
    color.dim(
      `${review.author.name} <${review.author.email}>  ${review.date}  ${review.commit.slice(0, 8)}  ${review.commits} commit(s) onto ${review.base}`,
    ),
    '',
    'Files:',
    ...files,
    '',
    problems.length ? 'Check:' : `Check: ${color.green('no problems')}`,
    ...problems,
    '',
    review.diff.trimEnd(),
  ].join('\n');
}

export function formatAccept(result: AcceptResult): string {
  const lines = [result.message];
  if (result.forced) lines.push(color.yellow(`  merged with --force despite ${result.check.errors} check error(s)`));
  for (const w of result.warnings) lines.push(color.yellow(`  warning: ${w}`));
  return lines.join('\n');
}
