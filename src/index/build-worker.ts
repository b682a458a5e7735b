/**
 * A full index build in a process of its own (see build-process.ts): started by
 * `updateIndexInProcess` with one JSON argument, it answers over the IPC channel and exits. When
 * the process that started it goes, so does the build (the index in use is untouched).
 */
import { openStore } from '../store/store.js';
import { updateIndex } from './build.js';
import { type BuildMessage, type BuildRequest, serializeError } from './build-process.js';

const send = (message: BuildMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });

// Within a second of the asking process's end, also in the middle of LanceDB's index builds. A
// build stopped half-way leaves the index in use untouched; its lock's owner is gone.
process.on('disconnect', () => process.exit(1));
try {
  const request = JSON.parse(process.argv[2] ?? '') as BuildRequest;
  const store = await openStore(request.root, request.source, request.name);
  const report = await updateIndex(store, {
    full: request.full,
    ...(request.model ? { model: request.model } : {}),
    ...(request.adapt !== undefined ? { adapt: request.adapt } : {}),
    log: (message) => void send({ type: 'log', message }),
    onProgress: (progress) => void send({ type: 'progress', progress }),
  });
  const peak = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
  await send({ type: 'done', report: { ...report, process: { pid: process.pid, peak_rss_mb: peak } } });
} catch (e) {
  await send({ type: 'error', error: serializeError(e) });
}
process.disconnect?.();
