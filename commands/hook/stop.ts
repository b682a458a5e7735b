import { CtCommand } from '../../src/cli/base.js';
import { isHookEnabled } from '../../src/hooks/config.js';
import { debugHook, readHookInput, writeHookOutput } from '../../src/hooks/io.js';
import { StopInputSchema } from '../../src/hooks/schema.js';
import { decideStop } from '../../src/hooks/stop.js';

export default class HookStop extends CtCommand {
  static override summary = 'Claude Code Stop hook: nudge once to contribute when the session fixed something.';
  static override description =
    `Reads the hook JSON from stdin (session_id, transcript_path, stop_hook_active, last_assistant_message). When the transcript shows a fixed problem (a failing command, then edits and a passing run, or "fixed"/"works now" after a failure), writes {"decision": "block", "reason": "<one-line nudge>"} so Claude offers to record a trace. At most once per session; nothing when stop_hook_active is true, when hooks are turned off (CT_HOOKS=off), or on any error.`;
  static override examples = [
    'echo ' +
      '\'{"session_id":"abc","transcript_path":"/tmp/t.jsonl","hook_event_name":"Stop","stop_hook_active":false}\' ' +
      '| <%= config.bin %> hook stop',
  ];

  async run(): Promise<void> {
    await this.parse(HookStop);
    try {
      const input = await readHookInput(StopInputSchema);
      if (input.stop_hook_active !== true && !(await isHookEnabled('stop')))
        return debugHook('stop: turned off (CT_HOOKS or config.json)');
      const decision = await decideStop(input);
      if (decision.silentBecause) debugHook(`stop: silent: ${decision.silentBecause}`);
      writeHookOutput(decision.output);
    } catch (e) {
      debugHook(`stop: silent after an error: ${(e as Error).stack ?? String(e)}`);
    }
  }
}
