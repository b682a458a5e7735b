import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { CtError, ExitCode } from '../errors.js';
import { selectStore } from '../store/select.js';
import type { Store } from '../store/store.js';

/**
 * The base of every `ct` command: a shared --store flag, and one place where errors become exit
 * codes, hints and (with --json) a JSON error object. Unexpected errors print one line plus how
 * to get the stack; the stack itself only with DEBUG set.
 */
export abstract class CtCommand extends Command {
  static storeFlag = {
    store: Flags.string({
      char: 's',
      description: 'Store to use: a registered name or a path to a store checkout.',
      env: 'CT_STORE',
      helpValue: '<name|path>',
    }),
  };

  /** The store for this command: --store, else the store containing the cwd, else the default. */
  protected async openStore(flag: string | undefined): Promise<Store> {
    return selectStore({ store: flag, log: (m) => this.progress(m) });
  }

  /** Progress and notes: stderr, so stdout stays data. */
  protected progress(message: string): void {
    process.stderr.write(`${message}\n`);
  }

  protected override async catch(err: Interfaces.CommandError): Promise<unknown> {
    if (err instanceof CtError) {
      process.exitCode = err.exit;
      if (this.jsonEnabled()) {
        this.logJson({ error: err.toJSON() });
        process.stderr.write(`Error: ${err.message}\n`);
        return undefined;
      }
      throw new Errors.CLIError(err.message, {
        code: err.code,
        exit: err.exit,
        suggestions: err.hint ? [err.hint] : undefined,
      });
    }
    if (err instanceof Errors.CLIError || (err as { oclif?: unknown }).oclif) {
      // oclif's own errors: bad flags and arguments are usage errors.
      if ((err as { oclif?: { exit?: number } }).oclif?.exit === 2 || /flag|argument|Unexpected/i.test(err.name))
        process.exitCode = ExitCode.usage;
      return super.catch(err);
    }
    process.exitCode = ExitCode.unexpected;
    const message = `unexpected error: ${err.message}`;
    if (this.jsonEnabled()) {
      this.logJson({ error: { code: 'unexpected', message } });
      process.stderr.write(`${message}\n`);
      return undefined;
    }
    if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`);
    throw new Errors.CLIError(message, {
      exit: ExitCode.unexpected,
      code: 'unexpected',
      suggestions: [
        process.env.DEBUG
          ? 'please report this with the stack above'
          : 'run again with DEBUG=1 for the stack trace, and report it',
      ],
    });
  }
}
