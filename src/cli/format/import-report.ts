import type { ImportReport } from '../../contribute/import.js';

/** The human summary of `ct seed` / `ct import`: what was added, what was skipped and why. */
export function formatImportReport(report: ImportReport, dryRun: boolean): string {
  const lines: string[] = [];
  for (const item of report.imported) lines.push(`${dryRun ? 'would add' : 'added'}  ${item.path}`);
  for (const item of report.skipped) {
    lines.push(`skipped  ${item.source}: ${item.reason}`);
    for (const problem of item.problems ?? []) lines.push(`           ${problem}`);
  }
  const commit = report.commit ? ` in commit ${report.commit.slice(0, 7)}` : '';
  lines.push(
    `${report.imported.length} trace(s) ${dryRun ? 'would be imported' : `imported${commit}`}, ${report.skipped.length} skipped (store "${report.store}")`,
  );
  return lines.join('\n');
}
