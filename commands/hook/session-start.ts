import { CtCommand } from '../../src/cli/base.js';
import { runSessionStartCommand } from '../../src/hooks/session-start-command.js';

export default class HookSessionStart extends CtCommand {
  static override summary = 'Claude Code SessionStart hook: add traces relevant to the project to the session.';
  static override description =
    `Reads the hook JSON from stdin (session_id, transcript_path, cwd, hook_event_name, source), detects the project's languages, frameworks and versions in cwd, searches the existing local indexes, and writes {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "..."}} with a few traces (at most ~1,500 tokens). Silent (no output, exit 0) when hooks are turned off (CT_HOOKS=off), there is no store or index, nothing is relevant, anything fails, or it would take longer than ~2 seconds. Installed by the Claude Code plugin in skill/.`;
  static override examples = [
    'echo ' +
      '\'{"session_id":"abc","transcript_path":"/tmp/t.jsonl","cwd":"\'$PWD\'","hook_event_name":"SessionStart","source":"startup"}\' ' +
      '| <%= config.bin %> hook session-start',
  ];

  async run(): Promise<void> {
    await this.parse(HookSessionStart);
    await runSessionStartCommand();
  }
}
