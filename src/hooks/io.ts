import type { z } from 'zod';

/** Hook input is small; anything bigger is not from Claude Code. */
const MAX_INPUT = 1024 * 1024;

/**
 * The hook's JSON from stdin, parsed with `schema`; `{}` when stdin is a terminal (a person
 * trying the command), empty, too big, not JSON, or does not arrive within `timeoutMs`.
 */
export async function readHookInput<T extends z.ZodType>(schema: T, timeoutMs = 1000): Promise<z.infer<T>> {
  const fallback = schema.parse({}) as z.infer<T>;
  if (process.stdin.isTTY) return fallback;
  const text = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: string) => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data').removeAllListeners('end').removeAllListeners('error');
      process.stdin.pause();
      resolve(value);
    };
    const timer = setTimeout(() => done(''), timeoutMs);
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_INPUT) done('');
      else chunks.push(chunk);
    });
    process.stdin.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', () => done(''));
  });
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as z.infer<T>) : fallback;
  } catch {
    return fallback;
  }
}

/** Writes the hook's JSON answer on stdout; nothing at all when there is no answer. */
export function writeHookOutput(output: object | undefined): void {
  if (output) process.stdout.write(`${JSON.stringify(output)}\n`);
}

/** With DEBUG or CT_DEBUG set, why a hook stayed silent goes to stderr (Claude Code shows it only in debug mode). */
export function debugHook(message: string): void {
  if (process.env.DEBUG || process.env.CT_DEBUG) process.stderr.write(`[ct hook] ${message}\n`);
}
