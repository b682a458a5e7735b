import { CtCommand } from '../../src/cli/base.js';
import { fishCompletionScript } from '../../src/cli/fish-completion.js';

export default class AutocompleteFish extends CtCommand {
  static override summary = 'Print a fish completion script (bash, zsh: `ct autocomplete bash|zsh`).';
  static override examples = [
    '<%= config.bin %> autocomplete fish > ~/.config/fish/completions/<%= config.bin %>.fish',
  ];

  async run() {
    await this.parse(AutocompleteFish);
    process.stdout.write(fishCompletionScript(this.config));
  }
}
