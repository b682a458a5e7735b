import cliProgress from 'cli-progress';
import type { IndexProgress } from '../index/build.js';

/**
 * Index progress on stderr: a bar while embedding when stderr is a terminal, otherwise nothing
 * until the summary (logs and CI output stay clean).
 */
export function indexProgressReporter(): { onProgress: (p: IndexProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(p) {
      if (p.phase !== 'embed' || p.total < 20) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'Indexing {bar} {value}/{total} traces | {eta_formatted} left',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, 0);
      }
      bar.update(p.done);
    },
    stop() {
      bar?.stop();
    },
  };
}
