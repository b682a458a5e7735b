import { CtCommand } from '../../src/cli/base.js';
import { explainHook, HOOK_NAMES, userConfigFile } from '../../src/hooks/config.js';

export default class Hook extends CtCommand {
  static override summary = 'Claude Code plugin hooks (run from skill/hooks/hooks.json): show whether each is on.';
  static override description =
    'The plugin in skill/ runs `ct hook session-start` (relevant traces for the project at session ' +
    'start) and `ct hook stop` (a one-time nudge to contribute a verified fix). Turn them off with ' +
    'CT_HOOKS=off (or CT_HOOKS=session-start / CT_HOOKS=stop to keep one), or with {"hooks": "off"} ' +
    'or {"hooks": {"stop": false}} in config.json in the data dir.';
  static override examples = ['<%= config.bin %> hook', 'CT_HOOKS=off <%= config.bin %> hook --json'];
  static override enableJsonFlag = true;

  async run() {
    await this.parse(Hook);
    const hooks = await Promise.all(HOOK_NAMES.map((name) => explainHook(name)));
    const configFile = userConfigFile();
    for (const h of hooks)
      this.log(
        `${h.hook.padEnd(14)} ${h.enabled ? 'on ' : 'off'}  (${h.from === 'default' ? 'default' : h.from === 'CT_HOOKS' ? `CT_HOOKS=${process.env.CT_HOOKS}` : configFile})`,
      );
    return { hooks, config_file: configFile };
  }
}
