import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { initStore } from '../src/store/init.js';
import { registerStore } from '../src/store/registry.js';

export default class Init extends CtCommand {
  static override summary = 'Create a new trace store (a git repository) from the store template.';
  static override description =
    'Writes ct.yml, traces/, votes/, flags/, README, CONTRIBUTING.md, AGENTS.md and the .github/ ' +
    'files (CI gate, PR template, CODEOWNERS, issue form), runs git init and makes one commit. The ' +
    'new store is registered under its name unless --no-register.';
  static override examples = [
    '<%= config.bin %> init team-traces',
    '<%= config.bin %> init ./stores/frontend --name frontend --no-register',
  ];
  static override enableJsonFlag = true;
  static override args = {
    dir: Args.string({ description: 'Directory to create (must be absent or empty).', default: '.' }),
  };
  static override flags = {
    name: Flags.string({ description: 'Store name (default: the directory name).' }),
    description: Flags.string({ description: 'One line describing the store.' }),
    'signed-votes': Flags.boolean({
      description:
        'Count only votes and flags signed by their voter (with a key in the allowed_signers file). ' +
        'With --no-signed-votes, author and committer are compared, which stops slips but not forgers.',
      default: true,
      allowNo: true,
    }),
    register: Flags.boolean({
      description: 'Register the store so --store <name> finds it.',
      default: true,
      allowNo: true,
    }),
  };

  async run() {
    const { args, flags } = await this.parse(Init);
    const dir = path.resolve(args.dir);
    const name =
      flags.name ??
      path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^-+|-+$/g, '');
    const result = await initStore(dir, {
      name,
      signedVotes: flags['signed-votes'],
      ...(flags.description ? { description: flags.description } : {}),
    });
    let registered = false;
    if (flags.register) {
      await registerStore({ name, path: result.root, managed: false });
      registered = true;
    }
    this.log(
      `Created store "${name}" in ${result.root} (${result.files.length} files, commit ${result.commit.slice(0, 7)})`,
    );
    this.log(
      registered
        ? `Registered as "${name}". Next: add a remote and push, e.g.\n  git -C ${result.root} remote add origin <url> && git -C ${result.root} push -u origin main`
        : `Register it with: ct store add ${name} ${result.root}`,
    );
    return { ...result, registered };
  }
}
