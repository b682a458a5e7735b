import { type IndexReport, updateIndex } from '../index/build.js';
import { selectStore } from '../store/select.js';
import { indexProgressReporter } from './progress.js';
import type { CommandOutput } from './search-command.js';

/** The body of `ct index`, shared by the oclif command and the fast path: the result is its --json. */
export async function runIndexCommand(
  input: { store?: string; full?: boolean },
  out: Pick<CommandOutput, 'progress'>,
): Promise<{ store: string } & IndexReport> {
  const store = await selectStore({ store: input.store, log: out.progress });
  const progress = indexProgressReporter();
  try {
    const report = await updateIndex(store, { full: input.full, log: out.progress, onProgress: progress.onProgress });
    progress.stop();
    out.progress(
      `Indexed "${store.name}": ${report.traces} trace(s), ${report.embedded} embedded, ${report.removed} removed, ${report.skipped.length} skipped in ${report.ms} ms${report.full ? ` (full rebuild: ${report.reason})` : ''}`,
    );
    return { store: store.name, ...report };
  } finally {
    progress.stop();
  }
}
