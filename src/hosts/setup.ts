import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { getPackageRoot } from '../paths.js';
import { writeFileAtomic } from '../util/fs.js';
import { getJsonServer, setJsonServer } from './edit-json.js';
import { getTomlServer, setTomlServer } from './edit-toml.js';
import { HOST_IDS, HOSTS, type Host, type HostId, type Scope, type ServerCommand, scopesOf } from './hosts.js';

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `ct setup <host> --json`: what was (or, with --dry-run, would be) written. */
export const SetupResultSchema = z.object({
  host: z.enum(HOST_IDS).describe('The agent host.'),
  name: z.string().describe("The host's display name."),
  scope: z.enum(['project', 'user']).describe('project: a file in the project; user: in the home folder.'),
  file: z.string().describe('The config file.'),
  server: z.string().describe('The server name in the config (default ct).'),
  entry: z.record(z.string(), z.unknown()).describe('The fields ct setup wrote into the entry.'),
  action: z.enum(['created', 'updated', 'unchanged']).describe('created: a new file; updated: merged into it.'),
  dry_run: z.boolean(),
  backup: z.string().nullable().describe('The copy of the previous file, written before the change.'),
  diff: z.string().describe('A unified diff of the change (empty when unchanged).'),
  check: z.string().describe('How to check that the host sees the server.'),
});
export type SetupResult = z.infer<typeof SetupResultSchema>;

export interface SetupOptions {
  host: string;
  scope?: Scope;
  /** The project folder for the project scope (default: the current directory). */
  project?: string;
  /** The server name in the host's config. */
  name?: string;
  dryRun?: boolean;
  /** How the host starts ct; default {@link defaultServerCommand}. */
  server?: ServerCommand;
  env?: NodeJS.ProcessEnv;
}

/**
 * Writes or merges `ct mcp` into an agent host's MCP config: the other servers and the user's
 * formatting stay, an identical entry is left alone (no write, no backup), a changed file is first
 * copied to `<file>.ct-backup-<time>` and then replaced atomically. A file that does not parse is
 * an error naming it, and nothing is written.
 */
export async function setupHost(options: SetupOptions): Promise<SetupResult> {
  const host = getHost(options.host);
  const env = options.env ?? process.env;
  const scope = options.scope ?? 'user';
  const name = options.name ?? 'ct';
  if (!SERVER_NAME_PATTERN.test(name))
    throw new UsageError(`--name "${name}" is not a server name`, 'use letters, digits, "-" and "_", e.g. ct');
  const project = path.resolve(options.project ?? process.cwd());
  const file = host.file(scope, project, env);
  if (!file)
    throw new UsageError(
      `${host.name} has no ${scope} scope`,
      `use --scope ${scopesOf(host).join(' or --scope ')} (${host.name} reads one file for all projects)`,
    );
  const server = options.server ?? (await defaultServerCommand(env));
  const fields = host.entry(server);
  const before = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  const after =
    host.format === 'toml'
      ? setTomlServer(before ?? '', file, host.serversKey, name, fields)
      : setJsonServer(before ?? '', file, host.serversKey, name, fields);
  const action = before === undefined ? 'created' : after === before ? 'unchanged' : 'updated';
  const diff =
    action === 'unchanged'
      ? ''
      : createTwoFilesPatch(
          before === undefined ? '/dev/null' : file,
          file,
          before ?? '',
          after,
          before === undefined ? '' : 'current',
          'after ct setup',
        );
  let backup: string | null = null;
  if (!options.dryRun && action !== 'unchanged') {
    if (before !== undefined) backup = await writeBackup(file);
    await writeFileAtomic(file, after);
    if (backup) await fs.chmod(file, (await fs.stat(backup)).mode & 0o7777);
  }
  return {
    host: host.id,
    name: host.name,
    scope,
    file,
    server: name,
    entry: fields,
    action,
    dry_run: options.dryRun === true,
    backup,
    diff,
    check: host.check(scope, name),
  };
}

/** `ct setup --list`: every host, its scopes and files, and whether `ct` is configured there. */
export const HostListSchema = z.array(
  z.object({
    host: z.enum(HOST_IDS),
    name: z.string(),
    docs: z.string().describe("The host's MCP configuration documentation."),
    scopes: z.array(
      z.object({
        scope: z.enum(['project', 'user']),
        file: z.string(),
        configured: z.boolean().describe('True when the file has a server with this name.'),
      }),
    ),
  }),
);
export type HostList = z.infer<typeof HostListSchema>;

export async function listHosts(
  options: { project?: string; name?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<HostList> {
  const env = options.env ?? process.env;
  const project = path.resolve(options.project ?? process.cwd());
  const name = options.name ?? 'ct';
  return Promise.all(
    HOST_IDS.map(async (id) => {
      const host = HOSTS[id];
      const scopes = await Promise.all(
        scopesOf(host).map(async (scope) => {
          const file = host.file(scope, project, env) as string;
          const text = await fs.readFile(file, 'utf8').catch(() => undefined);
          const entry =
            text === undefined
              ? undefined
              : host.format === 'toml'
                ? getTomlServer(text, host.serversKey, name)
                : getJsonServer(text, host.serversKey, name);
          return { scope, file, configured: entry !== undefined };
        }),
      );
      return { host: id, name: host.name, docs: host.docs, scopes };
    }),
  );
}

export function getHost(id: string): Host {
  const host = (HOSTS as Record<string, Host | undefined>)[id.toLowerCase()];
  if (!host)
    throw new UsageError(
      `unknown agent host "${id}"`,
      `use one of: ${HOST_IDS.join(', ')} (ct setup --list shows them)`,
    );
  return host;
}

/**
 * `ct mcp` when a `ct` is on PATH (what an installed package gives); otherwise this very
 * installation, by absolute paths (node and bin/run.js), so a checkout that was never linked works.
 */
export async function defaultServerCommand(env: NodeJS.ProcessEnv = process.env): Promise<ServerCommand> {
  if (await onPath('ct', env)) return { command: 'ct', args: ['mcp'] };
  return { command: process.execPath, args: [path.join(getPackageRoot(), 'bin', 'run.js'), 'mcp'] };
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${command}.cmd`, `${command}.exe`, command] : [command];
  for (const dir of dirs)
    for (const n of names)
      if (
        await fs.access(path.join(dir, n), constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return true;
  return false;
}

async function writeBackup(file: string): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let i = 0; ; i++) {
    const backup = `${file}.ct-backup-${stamp}${i ? `-${i}` : ''}`;
    try {
      await fs.copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 100) throw e;
    }
  }
}

export type { HostId, Scope };
