import type { z } from 'zod';
/**
 * One error base class for everything `ct` reports on purpose. Each error has a stable `code`
 * (what scripts and MCP clients match on), a `hint` (the next step for a person or an agent) and
 * an exit code from {@link ExitCode}. Edges (oclif commands, MCP tools) map it once.
 */

/** Documented process exit codes (also in the README). */
export const ExitCode = {
  ok: 0,
  /** An unexpected failure: a bug, or something the tool did not anticipate. */
  unexpected: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** `ct check` found errors in the store. */
  checkFailed: 3,
  /** A trace, store or file that was asked for does not exist. */
  notFound: 4,
  /** Invalid input data: a trace, ct.yml or JSON that does not match its schema. */
  invalidInput: 5,
  /** A git operation failed (not a repository, no identity, conflicting branch...). */
  git: 6,
  /** The search index is missing, locked or unreadable. */
  index: 7,
  /** A network step (push, pull request, clone) failed; local work was kept. */
  network: 8,
  /** A secret or credential was found in content that was about to be written. */
  secretFound: 9,
  /** `ct eval` measured a metric below the floor ct.yml `eval` sets. */
  evalBelowFloor: 10,
  /** No such command (the shell's convention); the error names the closest one. */
  commandNotFound: 127,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CtErrorOptions {
  hint?: string;
  exit?: ExitCodeValue;
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class CtError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exit: ExitCodeValue;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: CtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CtError';
    this.code = code;
    this.hint = options.hint;
    this.exit = options.exit ?? ExitCode.unexpected;
    this.data = options.data;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.data ? { data: this.data } : {}) };
  }
}

export class UsageError extends CtError {
  constructor(message: string, hint?: string, data?: Record<string, unknown>) {
    super('usage', message, { hint, exit: ExitCode.usage, data });
    this.name = 'UsageError';
  }
}

export class NotFoundError extends CtError {
  constructor(code: string, message: string, hint?: string, data?: Record<string, unknown>) {
    super(code, message, { hint, exit: ExitCode.notFound, data });
    this.name = 'NotFoundError';
  }
}

export class InvalidInputError extends CtError {
  constructor(code: string, message: string, hint?: string, data?: Record<string, unknown>) {
    super(code, message, { hint, exit: ExitCode.invalidInput, data });
    this.name = 'InvalidInputError';
  }
}

export class GitError extends CtError {
  constructor(message: string, hint?: string, cause?: unknown, data?: Record<string, unknown>) {
    super('git', message, { hint, exit: ExitCode.git, cause, data });
    this.name = 'GitError';
  }
}

export function isCtError(error: unknown): error is CtError {
  return error instanceof CtError;
}

/** A zod schema's verdict on input, or an InvalidInputError naming each field and what was wrong with it. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  error: { code: string; hint: string; make?: (message: string) => CtError },
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  throw error.make ? error.make(message) : new InvalidInputError(error.code, message, error.hint);
}
