import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One finding of the install checks, in the shape `ct doctor` prints. */
export interface InstallFinding {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

const PLUGIN_PREFIX = 'commontrace@';

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH, as a shell's `command -v` finds it (Windows: with PATHEXT). */
export async function findOnPath(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD').split(';') : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (await isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The version of the commontrace package a `ct` on PATH runs, when it is an npm install or link. */
async function installedVersion(ctPath: string): Promise<string | undefined> {
  const real = await fs.realpath(ctPath).catch(() => ctPath);
  const pkg = (await readJson(path.join(path.dirname(real), '..', 'package.json'))) as
    | { name?: string; version?: string }
    | undefined;
  return pkg?.name === 'commontrace' ? pkg.version : undefined;
}

/**
 * Is `ct` on PATH, and is it this version? The plugin's MCP server and hooks run `ct` from PATH:
 * without it `claude mcp list` says "Failed to connect" and the hooks stay silent.
 */
export async function checkCliOnPath(
  packageRoot: string,
  version: string,
): Promise<{ finding: InstallFinding; path?: string }> {
  const install = `in a checkout of commontrace: npm run install:global (this one: ${packageRoot})`;
  const found = await findOnPath('ct');
  if (!found)
    return {
      finding: {
        id: 'cli.path',
        status: 'warn',
        message: '`ct` is not on PATH: the Claude Code plugin, hooks and other agents cannot run it',
        fix: install,
      },
    };
  const onPath = await installedVersion(found);
  if (onPath && onPath !== version)
    return {
      path: found,
      finding: {
        id: 'cli.path',
        status: 'warn',
        message: `\`ct\` on PATH (${found}) is commontrace ${onPath}, this one is ${version}`,
        fix: install,
      },
    };
  return {
    path: found,
    finding: { id: 'cli.path', status: 'ok', message: `\`ct\` on PATH: ${found}${onPath ? ` (${onPath})` : ''}` },
  };
}

function claudeConfigDir(): string {
  return process.env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude');
}

interface InstalledPlugins {
  plugins?: Record<string, { installPath?: string; version?: string }[]>;
}

/** MCP servers registered with `claude mcp add` (user scope) whose command runs `ct mcp`. */
async function registeredCtServers(configDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const file of [path.join(configDir, '.claude.json'), path.join(os.homedir(), '.claude.json')]) {
    const config = (await readJson(file)) as { mcpServers?: Record<string, { command?: string; args?: string[] }> };
    for (const [name, server] of Object.entries(config?.mcpServers ?? {}))
      if (path.basename(server.command ?? '') === 'ct' && server.args?.[0] === 'mcp') names.push(name);
  }
  return [...new Set(names)];
}

/**
 * The Claude Code side: is the plugin installed and enabled, are its MCP server and hooks in
 * place, and can they start `ct`? Silent (no finding) where Claude Code is not set up at all.
 */
/** Whether a plugin hook is on, and what decided it (from src/hooks/config.ts, passed in by the command). */
export interface HookSwitch {
  hook: string;
  enabled: boolean;
  from: 'CT_HOOKS' | 'config.json' | 'default';
  /** The file a `config.json` setting came from. */
  file?: string;
}

export async function checkClaudePlugin(
  ctOnPath: boolean,
  hookSwitches: readonly HookSwitch[] = [],
): Promise<InstallFinding[]> {
  const configDir = claudeConfigDir();
  const hasClaude = await fs.stat(configDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!hasClaude) return [];
  const installed = (await readJson(path.join(configDir, 'plugins', 'installed_plugins.json'))) as
    | InstalledPlugins
    | undefined;
  const key = Object.keys(installed?.plugins ?? {}).find((k) => k.startsWith(PLUGIN_PREFIX));
  const servers = await registeredCtServers(configDir);
  const findings: InstallFinding[] = [];
  const needsCt = (what: string): InstallFinding => ({
    id: 'plugin.ct',
    status: 'fail',
    message: `${what} runs \`ct\` from PATH, and \`ct\` is not on PATH: the MCP server fails to connect and the hooks exit silently`,
    fix: 'install the CLI (see cli.path), then restart Claude Code',
  });
  if (!key) {
    if (servers.length > 0) {
      findings.push({
        id: 'plugin',
        status: 'ok',
        message: `Claude Code runs \`ct mcp\` as MCP server "${servers.join('", "')}" (the plugin, with its hooks, is not installed)`,
      });
      if (!ctOnPath) findings.push(needsCt('The MCP server'));
    } else
      findings.push({
        id: 'plugin',
        status: 'warn',
        message: `Claude Code is set up (${configDir}) but the CommonTrace plugin is not installed`,
        fix: `claude plugin marketplace add <commontrace checkout or clone URL> && claude plugin install commontrace@commontrace`,
      });
    return findings;
  }
  const settings = (await readJson(path.join(configDir, 'settings.json'))) as
    | { enabledPlugins?: Record<string, boolean> }
    | undefined;
  if (settings?.enabledPlugins?.[key] === false) {
    findings.push({
      id: 'plugin',
      status: 'warn',
      message: `the Claude Code plugin ${key} is installed but disabled`,
      fix: `claude plugin enable ${key}`,
    });
    return findings;
  }
  const installPath = installed?.plugins?.[key]?.[0]?.installPath;
  const mcp = installPath
    ? ((await readJson(path.join(installPath, '.mcp.json'))) as { mcpServers?: Record<string, unknown> } | undefined)
    : undefined;
  const hooks = installPath
    ? ((await readJson(path.join(installPath, 'hooks', 'hooks.json'))) as
        | { hooks?: Record<string, unknown> }
        | undefined)
    : undefined;
  const missing = [
    ...(mcp?.mcpServers ? [] : ['its MCP server (.mcp.json)']),
    ...(hooks?.hooks?.SessionStart ? [] : ['its SessionStart hook']),
    ...(hooks?.hooks?.Stop ? [] : ['its Stop hook']),
  ];
  if (missing.length > 0)
    findings.push({
      id: 'plugin',
      status: 'fail',
      message: `the Claude Code plugin ${key} at ${installPath ?? '(no install path)'} is missing ${missing.join(', ')}`,
      fix: `claude plugin uninstall ${key} && claude plugin install ${key}`,
    });
  else {
    findings.push({
      id: 'plugin',
      status: 'ok',
      message: `Claude Code plugin ${key} is installed and enabled: MCP server, SessionStart and Stop hooks`,
    });
    for (const setting of hookSwitches)
      if (!setting.enabled)
        findings.push({
          id: `plugin.hooks.${setting.hook}`,
          status: 'warn',
          message: `the ${setting.hook} hook is off (${setting.from === 'CT_HOOKS' ? `CT_HOOKS=${process.env.CT_HOOKS}` : setting.file})`,
          fix: setting.from === 'CT_HOOKS' ? 'unset CT_HOOKS' : `remove the "hooks" key from ${setting.file}`,
        });
  }
  if (!ctOnPath) findings.push(needsCt('The plugin'));
  return findings;
}
