import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CtError, ExitCode, type ExitCodeValue } from '../errors.js';
import { getPackageRoot } from '../paths.js';
import { TRACES_DIR } from '../store/load.js';
import type { Store } from '../store/store.js';
import type { IndexProgress, IndexReport, UpdateIndexOptions } from './report.js';

/**
 * Full builds of large stores run in a process of their own. glibc keeps what it freed for
 * reuse, so every phase of a build (rows streamed through Arrow, LanceDB's full-text and vector
 * index builds, the trust signals) left its high-water mark in the process: 3.0 GB peak at
 * 1,000,000 traces. The build process starts with allocator settings that hand freed memory back
 * (at most two arenas, large blocks mapped and unmapped on their own, trimmed past 1 MB), which
 * glibc reads only at start-up, and it ends with the build: a long-running `ct mcp` or `ct serve`
 * that rebuilt an index keeps none of it. Small stores build in-process (a second Node process
 * costs ~0.3 s, more than their whole build).
 */
export const BUILD_PROCESS_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '1048576',
} as const;

/** Trace files from which a full build runs in its own process: CT_INDEX_PROCESS_MIN, default 20,000. */
export const buildProcessMin = (): number => {
  const raw = process.env.CT_INDEX_PROCESS_MIN;
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 20_000;
};

const workerPath = () => path.join(getPackageRoot(), 'dist', 'src', 'index', 'build-worker.js');

/**
 * Whether a full build of this store should run in its own process: not already in one, the
 * compiled worker is there, and git tracks at least {@link buildProcessMin} files under traces/
 * (counted from `git ls-files` as it streams, without keeping the names).
 */
export async function wantsBuildProcess(store: Store): Promise<boolean> {
  if (process.env.CT_INDEX_IN_PROCESS === '1' || !fs.existsSync(workerPath())) return false;
  const min = buildProcessMin();
  return min === 0 || (await tracksAtLeast(store.root, min));
}

function tracksAtLeast(root: string, min: number): Promise<boolean> {
  return new Promise((resolve) => {
    const git = spawn('git', ['ls-files', '-z', '--', `${TRACES_DIR}/`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let count = 0;
    let answered = false;
    const answer = (yes: boolean) => {
      if (answered) return;
      answered = true;
      resolve(yes);
      if (yes) git.kill();
    };
    git.stdout.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(0); at >= 0; at = chunk.indexOf(0, at + 1)) count++;
      if (count >= min) answer(true);
    });
    git.on('error', () => answer(false));
    git.on('close', () => answer(count >= min));
  });
}

/** What the build process sends back over its IPC channel. */
export type BuildMessage =
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'done'; report: IndexReport }
  | { type: 'error'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  exit?: ExitCodeValue;
  data?: Record<string, unknown>;
}

/** The arguments of a build process (one JSON argument). */
export interface BuildRequest {
  root: string;
  source: Store['source'];
  name: string;
  full: boolean;
  model?: string;
  adapt?: boolean;
}

/**
 * Runs `updateIndex` in a build process and relays its log and progress; resolves with its report
 * (whose `process` says so, with the process's peak memory) or rejects with its error as it was
 * raised there. The build process takes the index lock itself, and ends when this process goes.
 */
export function updateIndexInProcess(store: Store, options: UpdateIndexOptions): Promise<IndexReport> {
  const request: BuildRequest = {
    root: store.root,
    source: store.source,
    name: store.name,
    full: options.full === true,
    ...(options.model ? { model: options.model } : {}),
    ...(options.adapt !== undefined ? { adapt: options.adapt } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = fork(workerPath(), [JSON.stringify(request)], {
      env: { ...process.env, ...BUILD_PROCESS_ENV, CT_INDEX_IN_PROCESS: '1' },
      // Nothing on stdout: `ct mcp` speaks its protocol there.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // The build collects its garbage between phases (see releaseHeap in build.ts).
      execArgv: ['--expose-gc'],
      serialization: 'advanced',
    });
    let settled: IndexReport | Error | undefined;
    child.on('message', (m: BuildMessage) => {
      if (m.type === 'log') options.log?.(m.message);
      else if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'done') settled = m.report;
      else if (m.type === 'error') settled = revive(m.error);
    });
    child.on('error', (e) => {
      settled ??= new CtError('index-build-failed', `the index build process could not start: ${e.message}`, {
        exit: ExitCode.index,
        hint: 'set CT_INDEX_IN_PROCESS=1 to build in this process',
      });
    });
    child.on('close', (code, signal) => {
      if (settled instanceof Error) reject(settled);
      else if (settled) resolve(settled);
      else
        reject(
          new CtError(
            'index-build-failed',
            `the index build of "${store.name}" ended without an answer (${signal ? `killed by ${signal}` : `exit ${code}`})`,
            {
              exit: ExitCode.index,
              hint:
                signal === 'SIGKILL'
                  ? 'the system may have run out of memory: close other programs and run `ct index --full` again'
                  : 'run `ct index --full` again; the index in use before is untouched',
            },
          ),
        );
    });
  });
}

/** An error as sent by the build process, for its IPC message. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof CtError)
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      ...(e.hint ? { hint: e.hint } : {}),
      exit: e.exit,
      ...(e.data ? { data: e.data } : {}),
    };
  const error = e instanceof Error ? e : new Error(String(e));
  return { name: error.name, message: error.message };
}

function revive(e: SerializedError): Error {
  if (e.code)
    return new CtError(e.code, e.message, {
      ...(e.hint ? { hint: e.hint } : {}),
      ...(e.exit !== undefined ? { exit: e.exit } : {}),
      ...(e.data ? { data: e.data } : {}),
    });
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
