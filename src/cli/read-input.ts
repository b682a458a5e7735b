import { fstatSync } from 'node:fs';
import fs from 'node:fs/promises';
import { InvalidInputError, NotFoundError, UsageError } from '../errors.js';
import { splitFrontmatter } from '../trace/frontmatter.js';
import { splitSections } from '../trace/sections.js';

const MAX_STDIN = 1024 * 1024;
const DEFAULT_STDIN_TIMEOUT_MS = 10_000;

/**
 * Whether stdin carries data someone piped or redirected: a pipe, a file or a socket. A terminal
 * or /dev/null (how agents and CI often start a command) carries nothing worth waiting for.
 */
export function isStdinPiped(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

/**
 * The JSON object piped to a command (how agents pass a whole trace), or undefined when stdin is
 * not piped. Callers read it only when no flag gave the input, so a missing-flag message is never
 * hidden behind a stdin error. A pipe that stays silent for `CT_STDIN_TIMEOUT_MS` (10 s) fails with
 * a clear message instead of hanging: `sleep 20 | ct amend ...` is a mistake, not slow input.
 */
export async function readPipedJson(usage: string): Promise<Record<string, unknown> | undefined> {
  if (!isStdinPiped()) return undefined;
  const timeoutMs = Number(process.env.CT_STDIN_TIMEOUT_MS) > 0 ? Number(process.env.CT_STDIN_TIMEOUT_MS) : undefined;
  const text = await readStdin(timeoutMs ?? DEFAULT_STDIN_TIMEOUT_MS, usage);
  if (!text.trim())
    throw new UsageError('stdin is empty: no flags and no JSON were given', `${usage}, or pipe a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError('invalid-json', `stdin is not valid JSON: ${(e as Error).message}`, JSON_HINT);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError('invalid-json', 'stdin is JSON but not an object', JSON_HINT);
  return value as Record<string, unknown>;
}

const JSON_HINT = 'pipe an object like {"title": "...", "context": "...", "solution": "...", "tags": ["..."]}';

/** All of stdin up to 1 MiB; fails when no data arrives for `idleMs` (reset by every chunk). */
function readStdin(idleMs: number, usage: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer = setTimeout(onIdle, idleMs);
    function finish(error: Error | undefined) {
      clearTimeout(timer);
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      // Stop reading so that a writer which never closes its end cannot keep the process alive.
      stdin.pause();
      if (error) {
        stdin.destroy();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    }
    function onIdle() {
      finish(
        new UsageError(
          `no input arrived on stdin within ${Math.round(idleMs / 100) / 10} s`,
          `${usage}; to pipe JSON, make sure the writer sends it and closes the pipe (CT_STDIN_TIMEOUT_MS waits longer)`,
        ),
      );
    }
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > MAX_STDIN)
        return finish(
          new InvalidInputError(
            'input-too-large',
            'stdin is larger than 1 MiB',
            'a trace is one problem and its solution: shorten it',
          ),
        );
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
    }
    const onEnd = () => finish(undefined);
    const onError = (e: Error) => finish(new InvalidInputError('stdin-unreadable', `stdin: ${e.message}`, usage));
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** A contribution from a trace file someone wrote by hand (its id, if any, is replaced). */
export async function readTraceDraft(file: string): Promise<Record<string, unknown>> {
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new NotFoundError(
      'file-not-found',
      `${file} does not exist`,
      'pass the path of a trace file (markdown with frontmatter)',
    );
  });
  let split;
  try {
    split = splitFrontmatter(text);
  } catch (e) {
    throw new InvalidInputError(
      'trace-invalid',
      `${file}: ${(e as Error).message}`,
      'a trace file starts with "---", YAML fields (title, tags), "---", then ## Context and ## Solution',
    );
  }
  const data = (split.data ?? {}) as Record<string, unknown>;
  const sections = Object.fromEntries(
    splitSections(split.body).sections.map((s) => [s.heading.toLowerCase(), s.content]),
  );
  return {
    ...pick(data, ['title', 'tags', 'applies_to', 'agent']),
    ...pick(sections, ['context', 'solution', 'verification', 'notes']),
  };
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/** `--tags a,b --tags c` -> [a, b, c] */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `--applies-to postgres=">=14"` -> { postgres: ">=14" } */
export function parsePairs(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf('=');
      if (at <= 0)
        throw new InvalidInputError(
          'invalid-flag',
          `--applies-to "${v}" is not name=range`,
          'e.g. --applies-to postgres=">=14"',
        );
      return [v.slice(0, at).trim(), v.slice(at + 1).trim()];
    }),
  );
}
