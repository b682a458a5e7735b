import { describeFailure } from '../cli/report-error.js';
import { parseFastIndexArgs, parseFastSearchArgs } from './parse-search.js';

/**
 * The fast path of bin/run.js (bundled into dist/ct.cjs by bin/build/bundle.ts): the commands that
 * agents and hooks run cold and often, answered without loading oclif and its plugins (~100 ms of
 * a run). It handles `ct search` and `ct index` with plain flags and
 * `ct hook session-start`, through the same functions as the oclif commands. Anything else returns
 * false and bin/run.js hands the arguments to oclif unchanged.
 */
export async function runFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const [first, ...rest] = argv;
  if (first === 'hook' && rest.length === 1 && rest[0] === 'session-start') {
    const { runSessionStartCommand } = await import('../hooks/session-start-command.js');
    await runSessionStartCommand();
    return true;
  }
  if (first === 'index') {
    const args = parseFastIndexArgs(rest, env);
    if (!args || (args.json && process.stdout.isTTY)) return false;
    await runCommand(args.json, async (progress) => {
      const { runIndexCommand } = await import('../cli/index-command.js');
      return runIndexCommand(args, { progress });
    });
    return true;
  }
  if (first === 'search') {
    const args = parseFastSearchArgs(rest, env);
    if (!args || (args.json && process.stdout.isTTY)) return false;
    await runSearch(args);
    return true;
  }
  return false;
}

async function runSearch(args: NonNullable<ReturnType<typeof parseFastSearchArgs>>): Promise<void> {
  await runCommand(args.json, async (progress) => {
    const { runSearchCommand } = await import('../cli/search-command.js');
    return runSearchCommand(args, {
      log: (line) => {
        if (!args.json) process.stdout.write(`${line}\n`);
      },
      progress,
    });
  });
}

/**
 * Runs a command's body as oclif's Command would: its result as JSON on stdout with --json
 * (oclif's logJson, uncoloured off a terminal), errors through describeFailure as CtCommand.catch
 * reports them, oclif's own handler printing the non-JSON ones.
 */
async function runCommand(json: boolean, body: (progress: (message: string) => void) => Promise<unknown>) {
  try {
    const result = await body((message) => process.stderr.write(`${message}\n`));
    if (json && result) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (e) {
    const report = describeFailure(e instanceof Error ? e : new Error(String(e)), json);
    process.exitCode = report.exit;
    if (report.json) {
      process.stdout.write(`${JSON.stringify(report.json, null, 2)}\n`);
      process.stderr.write(report.stderr ?? '');
      return;
    }
    const { Errors } = await import('@oclif/core');
    const cli = report.cli as NonNullable<typeof report.cli>;
    await Errors.handle(
      new Errors.CLIError(cli.message, { code: cli.code, exit: cli.exit, suggestions: cli.suggestions }),
    );
  }
}
