import { CtCommand } from '../src/cli/base.js';
import { color } from '../src/cli/format/common.js';
import { runDoctor } from '../src/diagnose/doctor.js';
import { ExitCode } from '../src/errors.js';
import { explainHook, HOOK_NAMES, userConfigFile } from '../src/hooks/config.js';

export default class Doctor extends CtCommand {
  static override summary = 'Check the installation, stores and index, with a fix for each problem.';
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json'];
  static override enableJsonFlag = true;
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { flags } = await this.parse(Doctor);
    const report = await runDoctor({
      ...(flags.store ? { store: flags.store } : {}),
      oclifDataDir: this.config.dataDir,
      hooks: await Promise.all(
        HOOK_NAMES.map(async (hook) => ({ ...(await explainHook(hook)), file: userConfigFile() })),
      ),
    });
    const mark = { ok: color.green('ok  '), warn: color.yellow('warn'), fail: color.red('FAIL') };
    for (const check of report.checks) {
      this.log(
        `${mark[check.status]}  ${check.message}${check.fix ? `\n      ${color.dim(`fix: ${check.fix}`)}` : ''}`,
      );
    }
    if (!report.ok) process.exitCode = ExitCode.unexpected;
    return report;
  }
}
