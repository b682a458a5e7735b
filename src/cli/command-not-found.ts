import { Errors, type Hook, toConfiguredId } from '@oclif/core';
import { CtError, ExitCode } from '../errors.js';
import { suggestCommand } from './suggest.js';

/**
 * oclif's `command_not_found` hook for `ct`: says which command was probably meant and exits 127.
 * In a terminal it hands over to @oclif/plugin-not-found, which asks "Did you mean ...?" and runs
 * the answer; anywhere else (agents, scripts, CI) asking would hang or be lost, and the plugin then
 * prints no suggestion at all, so the suggestion is printed here, as JSON with --json.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const { config } = options;
  const argv = options.argv ?? [];
  const visible = config.commands.filter((c) => !c.hidden);
  const ids = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)];
  const match = suggestCommand(options.id, ids);
  const words = options.id.split(':');
  // The mistyped words: the ones the match replaces, else the first (the rest may be arguments).
  const typedId = words.slice(0, match ? words.length - match.rest.length : 1).join(':');
  if (match && process.stdin.isTTY && process.stderr.isTTY && !argv.includes('--json')) {
    const { default: ask } = await import('@oclif/plugin-not-found');
    // The plugin matches the whole id: give it only the mistyped words, the rest as arguments.
    return ask.call(this, { ...options, id: typedId, argv: [...match.rest, ...argv] });
  }
  const typed = [config.bin, toConfiguredId(typedId, config)].join(' ');
  const topic = config.findTopic(words[0] ?? '');
  const help = topic ? `${config.bin} help ${toConfiguredId(topic.name, config)}` : `${config.bin} help`;
  const error = new CtError(
    'command-not-found',
    match
      ? `"${typed}" is not a ${config.bin} command. Did you mean "${config.bin} ${toConfiguredId(match.id, config)}"?`
      : `"${typed}" is not a ${config.bin} command`,
    { hint: `run "${help}" for the list of commands`, exit: ExitCode.commandNotFound },
  );
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    process.stderr.write(`Error: ${error.message}\n`);
    return Errors.exit(error.exit);
  }
  throw new Errors.CLIError(error.message, { code: error.code, exit: error.exit, suggestions: [error.hint ?? ''] });
};

export default hook;
