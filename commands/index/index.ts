import { Args, Flags } from '@oclif/core';
import { CtCommand } from '../../src/cli/base.js';
import { runIndexCommand } from '../../src/cli/index-command.js';
import { UsageError } from '../../src/errors.js';
import { updateIndex } from '../../src/index/build.js';
import { exportIndex } from '../../src/index/export.js';
import { exportToObjectStorage } from '../../src/index/remote.js';

export default class Index extends CtCommand {
  static override summary = 'Build or update the search index of a store, or export it for clients.';
  static override description =
    'Embeds only traces whose git blob changed since the last run (committed or not), deletes ' +
    'removed ones, recomputes votes, trust and flags, and compacts. The index lives in .ct/index/ of ' +
    'the checkout. A change of embedding model or index format rebuilds it.\n\n' +
    "--export (the store's CI runs it on every push to main) writes the index of HEAD as a deterministic " +
    'pack and a manifest signed with an SSH key (--sign-key or CT_INDEX_SIGNING_KEY) on the git ref ct.yml ' +
    'index.ref names (refs/ct/index); --push pushes that ref. Clients of a store with `index: { shipped: true }` ' +
    'fetch and verify it instead of embedding every trace.';
  static override examples = [
    '<%= config.bin %> index',
    '<%= config.bin %> index --full --store team',
    '<%= config.bin %> index --export --sign-key ~/.ssh/ct_index --push',
    '<%= config.bin %> index --export s3://my-bucket/ct/team',
  ];
  static override enableJsonFlag = true;
  static override args = {
    target: Args.string({
      description:
        'With --export: s3://bucket/prefix (gs://, az://) to write a LanceDB dataset there instead of the git ref ' +
        'ct.yml index.ref names; connection settings from ct.yml index.storage_options, credentials from AWS_* variables.',
    }),
  };
  static override flags = {
    ...CtCommand.storeFlag,
    full: Flags.boolean({ description: 'Rebuild from scratch.' }),
    export: Flags.boolean({ description: 'Publish the index of HEAD as a signed pack on refs/ct/index.' }),
    'sign-key': Flags.string({
      description: 'SSH private key that signs the manifest (default: CT_INDEX_SIGNING_KEY).',
      dependsOn: ['export'],
    }),
    push: Flags.boolean({ description: 'Push the index ref to the store remote.', dependsOn: ['export'] }),
  };

  async run() {
    const { flags, args } = await this.parse(Index);
    if (!flags.export && !args.target)
      return runIndexCommand({ store: flags.store, full: flags.full }, { progress: (m) => this.progress(m) });
    const store = await this.openStore(flags.store);
    if (args.target && !flags.export)
      throw new UsageError(`"${args.target}" is a target for --export`, `run \`ct index --export ${args.target}\``);
    if (args.target) {
      if (!/^(s3|gs|az):\/\/[^/]+/.test(args.target))
        throw new UsageError(
          `unsupported export target "${args.target}": expected s3://bucket/prefix (or gs://, az://)`,
          'run `ct index --export` to publish on the git ref ct.yml index.ref names, or give an object-storage URI',
        );
      const report = await exportToObjectStorage(store, args.target, { log: (m) => this.progress(m) });
      this.progress(
        `Exported the index of "${store.name}" at ${report.commit.slice(0, 12)} to ${report.uri} (table ${report.table}, ${report.rows} trace(s), ${report.ms} ms)`,
      );
      return { store: store.name, export: report };
    }
    if (flags.full) await updateIndex(store, { full: true, log: (m) => this.progress(m) });
    const report = await exportIndex(store, {
      ...(flags['sign-key'] ? { signKey: flags['sign-key'] } : {}),
      push: flags.push,
      log: (m) => this.progress(m),
    });
    this.progress(
      `Exported the index of "${store.name}" at ${report.manifest.store.commit.slice(0, 12)}: ${report.manifest.rows} trace(s), ${report.pack_bytes} bytes, ${report.signed ? 'signed' : 'UNSIGNED'}, ${report.ref} = ${report.index_commit.slice(0, 12)}${report.pushed ? ' (pushed)' : ''}`,
    );
    return { store: store.name, export: report };
  }
}
