import { CtError, ExitCode } from '../errors.js';

/** How a failed command ends: a JSON error object on stdout, and/or an error for oclif to print. */
export interface FailureReport {
  exit: number;
  /** With --json: the object to print on stdout (and `stderr` on stderr). */
  json?: Record<string, unknown>;
  stderr?: string;
  /** Without --json: what oclif prints ("Error: ..." and its suggestions). */
  cli?: { message: string; code?: string; exit: number; suggestions?: string[] };
}

/**
 * What `ct` reports for an error that is not oclif's own (a CtError or an unexpected one): the one
 * mapping used by CtCommand.catch and by the fast path (src/fast/main.ts), so both print the
 * same thing. The stack is only printed with DEBUG set.
 */
export function describeFailure(err: Error, json: boolean): FailureReport {
  if (err instanceof CtError) {
    if (json) return { exit: err.exit, json: { error: err.toJSON() }, stderr: `Error: ${err.message}\n` };
    return {
      exit: err.exit,
      cli: { message: err.message, code: err.code, exit: err.exit, suggestions: err.hint ? [err.hint] : undefined },
    };
  }
  const message = `unexpected error: ${err.message}`;
  const stack = process.env.DEBUG ? `${err.stack}\n` : '';
  if (json)
    return {
      exit: ExitCode.unexpected,
      json: { error: { code: 'unexpected', message, hint: 'run again with DEBUG=1 for the stack trace' } },
      stderr: `${message}\n${stack}`,
    };
  if (stack) process.stderr.write(stack);
  return {
    exit: ExitCode.unexpected,
    cli: {
      message,
      code: 'unexpected',
      exit: ExitCode.unexpected,
      suggestions: [
        process.env.DEBUG
          ? 'please report this with the stack above'
          : 'run again with DEBUG=1 for the stack trace, and report it',
      ],
    },
  };
}
