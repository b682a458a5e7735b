import { stripVTControlCharacters } from 'node:util';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { CtError, ExitCode, UsageError } from '../errors.js';
import { selectStore, selectStoreFor } from '../store/select.js';
import type { Store } from '../store/store.js';
import { describeFailure } from './report-error.js';
import { closestName } from './suggest.js';

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

  /** The store a command about one trace works on: --store, else the subscribed store holding the trace. */
  protected async storeFor(traceId: string, flag: string | undefined): Promise<Store> {
    return selectStoreFor(traceId, { store: flag, log: (m) => this.progress(m) });
  }

  /** Progress and notes: stderr, so stdout stays data. */
  protected progress(message: string): void {
    process.stderr.write(`${message}\n`);
  }

  protected override async catch(err: Interfaces.CommandError): Promise<unknown> {
    const oclifExit = (err as { oclif?: { exit?: number } }).oclif?.exit;
    const isOclifError = !(err instanceof CtError) && (err instanceof Errors.CLIError || oclifExit !== undefined);
    if (isOclifError) this.suggestFlags(err);
    if (isOclifError && !this.jsonEnabled()) {
      // oclif's own errors (bad flags and arguments): its handler prints them with the usage.
      if (oclifExit === 2 || /flag|argument|Unexpected/i.test(err.name)) process.exitCode = ExitCode.usage;
      return super.catch(err);
    }
    const known = err instanceof CtError ? err : isOclifError ? this.toUsageError(err) : err;
    const report = describeFailure(known, this.jsonEnabled());
    process.exitCode = report.exit;
    if (report.json) {
      // Only our own small shape: oclif's default would serialise the parser's whole context
      // (package.json, every command's manifest, the home path), ~190 KB for a missing argument.
      this.logJson(report.json);
      process.stderr.write(report.stderr ?? '');
      return undefined;
    }
    const cli = report.cli as NonNullable<typeof report.cli>;
    throw new Errors.CLIError(cli.message, { code: cli.code, exit: cli.exit, suggestions: cli.suggestions });
  }

  /** `--jsn` -> "Did you mean --json?", added to oclif's "Nonexistent flag" message. */
  private suggestFlags(err: Error): void {
    const unknown = (err as { flags?: unknown }).flags;
    if (!/^Nonexistent flag/.test(err.message) || !Array.isArray(unknown)) return;
    const known = [
      ...Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags }),
      ...(this.ctor.enableJsonFlag ? ['json'] : []),
      'help',
    ];
    const suggestions = unknown
      .map((flag) => String(flag).replace(/^-+/, '').split('=')[0] ?? '')
      .map((name) => closestName(name, known))
      .filter((name): name is string => name !== undefined)
      .map((name) => `--${name}`);
    if (suggestions.length)
      err.message = err.message.replace(/^(Nonexistent flags?: .*)$/m, `$1. Did you mean ${suggestions.join(', ')}?`);
  }

  /** An oclif parse error (missing argument, unknown flag, bad value) as a usage error with a next step. */
  private toUsageError(err: Error): UsageError {
    const missing = (err as { args?: { name?: string; description?: string }[] }).args;
    const message =
      /^Missing \d+ required arg/.test(err.message) && missing?.length
        ? `missing required argument${missing.length === 1 ? '' : 's'}: ` +
          missing.map((a) => (a.description ? `${a.name} (${a.description})` : a.name)).join(', ')
        : stripVTControlCharacters(err.message)
            .replace(/\nSee more help with --help$/, '')
            .replace(/^Parsing (--\S+)\s+/, '$1: ')
            .replace(/\s+/g, ' ')
            .trim();
    const command = [this.config.bin, ...(this.id ?? '').split(':')].filter(Boolean).join(' ');
    return new UsageError(message, `run "${command} --help" for its arguments and flags`);
  }
}
