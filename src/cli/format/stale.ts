import type { StaleReport } from '../../staleness/stale.js';
import { color } from './common.js';

/** `ct stale`: each trace that needs review with its reasons, then what could not be checked, by reason. */
export function formatStaleReport(report: StaleReport): string {
  const lines: string[] = [];
  for (const trace of report.stale) {
    lines.push(`${color.bold(trace.title)}`, color.dim(`  ${trace.id}  ${trace.path}`));
    for (const reason of trace.reasons) lines.push(`  ${color.yellow(reason.summary)}`);
  }
  const { fetched, cached, failed } = report.lookups;
  lines.push(
    '',
    `${report.stale.length} of ${report.traces} trace${report.traces === 1 ? '' : 's'} in ${report.store} need review` +
      color.dim(` (registry lookups: ${fetched} fetched, ${cached} cached, ${failed} failed)`),
  );
  const byReason = new Map<string, Set<string>>();
  for (const n of report.not_checked) {
    const keys = byReason.get(n.reason) ?? new Set<string>();
    keys.add(n.key);
    byReason.set(n.reason, keys);
  }
  if (byReason.size) lines.push(color.dim('not checked:'));
  for (const [reason, keys] of [...byReason].sort((a, b) => b[1].size - a[1].size)) {
    const shown = [...keys].sort();
    const list = shown.length > 8 ? `${shown.slice(0, 8).join(', ')}, ... (${shown.length})` : shown.join(', ');
    lines.push(color.dim(`  ${list}: ${reason}`));
  }
  return lines.join('\n').replace(/^\n/, '');
}
