import type { EvalReport, FitReport, MetricName } from '../../eval/run.js';
import { color, formatTable } from './common.js';

const LABELS: Record<MetricName, string> = {
  recall_at_5: 'recall@5',
  recall_at_10: 'recall@10',
  mrr_at_10: 'MRR@10',
  ndcg_at_10: 'nDCG@10',
};
/** Misses listed in the human report; --json has every query. */
const MISSES_SHOWN = 10;

const f3 = (n: number) => n.toFixed(3);
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;
const short = (commit: string | null) => (commit ? commit.slice(0, 7) : 'no commit');
const embedding = (side: { model: string; adapted: boolean }) => `${side.model}${side.adapted ? ', adapted' : ''}`;

/** `ct eval` for a terminal: the metrics with their intervals, the comparison, the floors, the misses. */
export function formatEvalReport(report: EvalReport): string {
  const out: string[] = [
    color.bold(
      `store "${report.store}" at ${short(report.commit)}: ${report.queries} queries from ${report.file}, ` +
        `${report.traces} traces, ${embedding(report)}`,
    ),
  ];
  const metrics = Object.keys(LABELS) as MetricName[];
  const against = report.against;
  if (!against) {
    out.push(
      formatTable([
        ['metric', 'mean', '95% interval'],
        ...metrics.map((m) => {
          const { mean, ci95 } = report.metrics[m];
          return [LABELS[m], f3(mean), `[${f3(ci95[0])}, ${f3(ci95[1])}]`];
        }),
      ]),
    );
  } else {
    out.push(
      formatTable([
        [
          'metric',
          'this',
          `${against.ref} (${short(against.commit)}${embedding(against) !== embedding(report) ? `, ${embedding(against)}` : ''})`,
          'difference',
          '95% interval',
        ],
        ...metrics.map((m) => {
          const d = against.difference[m];
          const verdict = d.ci95[0] > 0 ? color.green(' better') : d.ci95[1] < 0 ? color.red(' worse') : '';
          return [
            LABELS[m],
            f3(report.metrics[m].mean),
            f3(against.metrics[m].mean),
            signed(d.mean_diff),
            `[${signed(d.ci95[0])}, ${signed(d.ci95[1])}]${verdict}`,
          ];
        }),
      ]),
    );
  }
  if (report.fit) out.push(...formatFit(report.fit));
  for (const f of report.floors)
    out.push(
      `floor ${LABELS[f.metric]} >= ${f.floor}: ${f3(f.value)} ${f.passed ? color.green('ok') : color.red('below')}`,
    );
  const misses = report.per_query.filter((q) => q.rank === null);
  if (misses.length > 0) {
    out.push(`${misses.length} quer${misses.length === 1 ? 'y' : 'ies'} without a relevant trace in the top 10:`);
    for (const q of misses.slice(0, MISSES_SHOWN))
      out.push(
        `  ${report.file}:${q.line}  ${JSON.stringify(q.query)}  ${color.dim(`wants ${q.relevant.join(', ')}`)}`,
      );
    if (misses.length > MISSES_SHOWN) out.push(`  ... and ${misses.length - MISSES_SHOWN} more (--json lists all)`);
  }
  return out.join('\n');
}

/** `ct eval --fit`: each weight's recall@10 and MRR@10, the best, its gain, and what to do. */
function formatFit(fit: FitReport): string[] {
  const interval = (d: { mean_diff: number; ci95: [number, number] }) =>
    `${signed(d.mean_diff)} [${signed(d.ci95[0])}, ${signed(d.ci95[1])}]`;
  const mark = (w: number) => (w === fit.best ? ' <- best' : '') + (w === fit.current ? ' (now)' : '');
  return [
    '',
    color.bold(
      'Lexical weight of the fusion for a trace of prose (ct.yml search.lexical_weight), tried on these queries:',
    ),
    formatTable([
      ['weight', 'recall@10', 'MRR@10', ''],
      ...fit.weights.map((w) => [w.weight.toFixed(2), f3(w.recall_at_10), f3(w.mrr_at_10), mark(w.weight)]),
    ]),
    fit.best === fit.current
      ? `No weight does better than the one in use, ${fit.current}.`
      : `${fit.best} against ${fit.current} now: recall@10 ${interval(fit.difference.recall_at_10)}, ` +
        `MRR@10 ${interval(fit.difference.mrr_at_10)} (fitted on these queries, so optimistic)`,
    `Held out (fitted on half the queries, measured on the other half): recall@10 + MRR@10 ${interval(fit.held_out)}`,
    fit.recommended
      ? color.green(`Set it in ct.yml:  search: { lexical_weight: ${fit.best} }  (then ct eval --against to confirm)`)
      : `Keep ${fit.current}: no other weight measurably helps queries it was not fitted on.`,
  ];
}
