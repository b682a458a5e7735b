import fs from 'node:fs/promises';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { splitFrontmatter } from '../trace/frontmatter.js';
import { splitSections } from '../trace/sections.js';

/** Reads all of stdin (for agents piping JSON), bounded to 1 MiB. */
export async function readStdin(limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new InvalidInputError(
        'input-too-large',
        'stdin is larger than 1 MiB',
        'a trace is one problem and its solution: shorten it',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonInput(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(
      'invalid-json',
      `${what} is not valid JSON: ${(e as Error).message}`,
      'pipe an object like {"title": "...", "context": "...", "solution": "...", "tags": ["..."]}',
    );
  }
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
