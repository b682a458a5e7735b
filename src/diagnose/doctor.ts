import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { scanSecrets } from '../check/secrets.js';
import { isCtError } from '../errors.js';
import { getGitIdentity, getGitVersion, isBareOrWorkingRepo } from '../git/repo.js';
import { getPackageRoot, resolveDataDir } from '../paths.js';
import { readStoreConfig } from '../store/config.js';
import { readRegistry, registryFile } from '../store/registry.js';
import { selectStore } from '../store/select.js';
import { checkClaudePlugin, checkCliOnPath, type HookSwitch } from './install.js';
import { getStoreStatus } from './status.js';

export const DoctorCheckSchema = z.object({
  id: z.string().describe('Stable check id, e.g. git.identity.'),
  status: z.enum(['ok', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional().describe('What to do when the status is warn or fail.'),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorReportSchema = z.object({ ok: z.boolean(), checks: z.array(DoctorCheckSchema) });
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

const MIN_NODE = [20, 10];
const MIN_GIT = [2, 30];

function atLeast(version: string, min: number[]): boolean {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== (min[i] ?? 0)) return (parts[i] ?? 0) > (min[i] ?? 0);
  }
  return true;
}

/** Every check a user needs when something is off, each with a fix. Never throws. */
export async function runDoctor(
  options: { store?: string; oclifDataDir?: string; hooks?: readonly HookSwitch[] } = {},
): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (id: string, status: DoctorCheck['status'], message: string, fix?: string) =>
    checks.push({ id, status, message, ...(fix && status !== 'ok' ? { fix } : {}) });

  add(
    'node',
    atLeast(process.version, MIN_NODE) ? 'ok' : 'fail',
    `Node.js ${process.version}`,
    `install Node.js ${MIN_NODE.join('.')} or newer`,
  );

  const gitVersion = await getGitVersion();
  if (!gitVersion)
    add(
      'git',
      'fail',
      'git is not installed or not on PATH',
      'install git 2.30 or newer (e.g. apt-get install git, brew install git)',
    );
  else
    add(
      'git',
      atLeast(gitVersion, MIN_GIT) ? 'ok' : 'fail',
      `git ${gitVersion}`,
      `upgrade git to ${MIN_GIT.join('.')} or newer`,
    );

  const identity = gitVersion ? await getGitIdentity(os.homedir()) : undefined;
  add(
    'git.identity',
    identity ? 'ok' : 'warn',
    identity
      ? `git identity ${identity.name} <${identity.email}>`
      : 'git has no user.name/user.email: contributing and voting need one',
    'git config --global user.name "Your Name" && git config --global user.email you@example.com',
  );

  const { dir: dataDir, from } = resolveDataDir();
  const origin = from === 'default' ? 'the default' : `from ${from}`;
  try {
    await fs.mkdir(dataDir, { recursive: true });
    const probe = path.join(dataDir, `.doctor-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
    add('data-dir', 'ok', `data dir ${dataDir} (${origin}) is writable`);
  } catch (e) {
    add(
      'data-dir',
      'fail',
      `data dir ${dataDir} (${origin}) is not writable: ${(e as Error).message}`,
      'fix its permissions, or set CT_DATA_DIR to a writable directory',
    );
  }
  if (options.oclifDataDir !== undefined && path.resolve(options.oclifDataDir) !== dataDir)
    add(
      'data-dir.oclif',
      'warn',
      `oclif's data dir ${options.oclifDataDir} is not ct's data dir ${dataDir}`,
      'set CT_DATA_DIR to an absolute path: ct and oclif both use it',
    );
  if (process.env.CT_DATA_DIR && process.env.CT_HOME && path.resolve(process.env.CT_HOME) !== dataDir)
    add(
      'data-dir.alias',
      'warn',
      `CT_HOME (${process.env.CT_HOME}) is ignored: CT_DATA_DIR is set`,
      'unset CT_HOME; CT_DATA_DIR is the name to use',
    );

  try {
    const registry = await readRegistry();
    add(
      'registry',
      'ok',
      `${registry.stores.length} store(s) registered in ${registryFile()}${registry.default ? `, default "${registry.default}"` : ''}`,
    );
    for (const store of registry.stores) {
      const id = `store.${store.name}`;
      if (
        !(await fs.stat(store.path).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      ) {
        add(
          id,
          'fail',
          `store "${store.name}": ${store.path} does not exist`,
          `ct store remove ${store.name}, then add it again`,
        );
        continue;
      }
      if (!(await isBareOrWorkingRepo(store.path))) {
        add(
          id,
          'fail',
          `store "${store.name}": ${store.path} is not a git repository`,
          `ct store remove ${store.name}; a store is a git checkout`,
        );
        continue;
      }
      try {
        await readStoreConfig(store.path);
        add(id, 'ok', `store "${store.name}" at ${store.path}`);
      } catch (e) {
        add(id, 'fail', `store "${store.name}": ${(e as Error).message}`, isCtError(e) ? e.hint : undefined);
      }
    }
  } catch (e) {
    add('registry', 'fail', (e as Error).message, isCtError(e) ? e.hint : undefined);
  }

  try {
    const store = await selectStore({ store: options.store });
    add('store.current', 'ok', `commands here use store "${store.name}" (${store.source}) at ${store.root}`);
    const status = await getStoreStatus(store);
    const indexFix = `run \`ct index${store.source === 'flag' ? ` --store ${options.store}` : ''}\``;
    if (status.pending.length > 0)
      add(
        'publish',
        'warn',
        `${status.pending.length} contribution(s) of "${store.name}" committed but not published: ${status.pending.join(', ')}`,
        'run `ct publish` (it says why a push fails)',
      );
    if (status.index.state === 'built' || status.index.state === 'remote')
      add(
        'index',
        'ok',
        `index of "${store.name}" is ${status.index.state === 'built' ? 'up to date' : 'on object storage'}`,
      );
    else add('index', 'warn', `index of "${store.name}" is ${status.index.state}`, indexFix);
    if (status.index.source) add('index.source', 'ok', `index of "${store.name}": ${status.index.source}`);
    const shipped = status.index.shipped;
    if (store.config.index.shipped && shipped && (shipped.outcome === 'refused' || shipped.outcome === 'failed'))
      add(
        'index.shipped',
        'warn',
        `the shipped index of "${store.name}" was ${shipped.outcome} (${shipped.code ?? 'error'}): ${shipped.reason}; a local index is used`,
        'tell the store maintainers (their CI exports it with `ct index --export`); nothing to do locally',
      );
  } catch (e) {
    add(
      'store.current',
      'fail',
      `no usable store: ${(e as Error).message}`,
      isCtError(e) ? e.hint : 'ct init <dir> or ct store add <name> <url-or-path>',
    );
  }

  try {
    const found = await scanSecrets('token: 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\n');
    add(
      'secret-scanner',
      found.length > 0 ? 'ok' : 'fail',
      found.length > 0
        ? 'secret scanner (secretlint, gitleaks rules, provider patterns) works'
        : 'the secret scanner missed a known GitHub token',
      'reinstall commontrace (in its checkout: npm run install:global)',
    );
  } catch (e) {
    add(
      'secret-scanner',
      'fail',
      `the secret scanner failed to load: ${(e as Error).message}`,
      'reinstall commontrace',
    );
  }

  const root = getPackageRoot();
  const manifest = await fs.readFile(path.join(root, 'oclif.manifest.json'), 'utf8').then(
    (t) => JSON.parse(t) as { version?: string; commands?: Record<string, unknown> },
    () => undefined,
  );
  const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  if (!manifest)
    add(
      'cli.manifest',
      'warn',
      'no oclif.manifest.json: every start scans the commands (~100 ms slower)',
      'npm run build',
    );
  else
    add(
      'cli.manifest',
      manifest.version === pkg.version ? 'ok' : 'warn',
      `command manifest for ${manifest.version} (${Object.keys(manifest.commands ?? {}).length} commands)`,
      'npm run build (a stale manifest hides new commands)',
    );

  const cli = await checkCliOnPath(root, pkg.version);
  checks.push(cli.finding);
  checks.push(...(await checkClaudePlugin(cli.path !== undefined, options.hooks)));

  return { ok: !checks.some((c) => c.status === 'fail'), checks };
}
