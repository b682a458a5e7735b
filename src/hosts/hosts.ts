import os from 'node:os';
import path from 'node:path';

export const HOST_IDS = ['claude-code', 'cursor', 'vscode', 'codex', 'gemini', 'windsurf'] as const;
export type HostId = (typeof HOST_IDS)[number];
export type Scope = 'project' | 'user';

/** The server entry a host gets: how to start `ct mcp`. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * An agent host's MCP configuration, as its documentation describes it: which file holds the
 * servers for a scope, in which format, under which key, and what one stdio entry looks like.
 */
export interface Host {
  id: HostId;
  name: string;
  format: 'json' | 'toml';
  /** The object that maps server names to entries, from the file's root. */
  serversKey: string;
  /** The file for a scope, or undefined when the host has no such scope. */
  file(scope: Scope, project: string, env: NodeJS.ProcessEnv): string | undefined;
  /** The fields `ct setup` owns in the entry; other fields a user added (env, disabled...) are kept. */
  entry(server: ServerCommand): Record<string, unknown>;
  /** How a user checks that the host sees the server. */
  check(scope: Scope, name: string): string;
  /** Where the format is documented. */
  docs: string;
}

const home = (env: NodeJS.ProcessEnv) => env.HOME || os.homedir();

/** VS Code's user profile folder: per platform, as VS Code itself resolves its user data dir. */
function vscodeUserDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'darwin') return path.join(home(env), 'Library', 'Application Support', 'Code', 'User');
  if (process.platform === 'win32')
    return path.join(env.APPDATA || path.join(home(env), 'AppData', 'Roaming'), 'Code', 'User');
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return path.join(config ?? path.join(home(env), '.config'), 'Code', 'User');
}

const plain = (server: ServerCommand) => ({ command: server.command, args: server.args });
const stdio = (server: ServerCommand) => ({ type: 'stdio', command: server.command, args: server.args });

export const HOSTS: Record<HostId, Host> = {
  'claude-code': {
    id: 'claude-code',
    name: 'Claude Code',
    format: 'json',
    serversKey: 'mcpServers',
    // Project: .mcp.json at the project root, shared through git. User: the top-level mcpServers of
    // ~/.claude.json, which `claude mcp add --scope user` writes.
    file: (scope, project, env) =>
      scope === 'project' ? path.join(project, '.mcp.json') : path.join(home(env), '.claude.json'),
    entry: stdio,
    check: (scope, name) =>
      `claude mcp get ${name}${scope === 'project' ? ' (Claude Code asks once to approve the servers of a project .mcp.json)' : ''}`,
    docs: 'https://code.claude.com/docs/en/mcp',
  },
  cursor: {
    id: 'cursor',
    name: 'Cursor',
    format: 'json',
    serversKey: 'mcpServers',
    file: (scope, project, env) => path.join(scope === 'project' ? project : home(env), '.cursor', 'mcp.json'),
    entry: plain,
    check: (_scope, name) => `restart Cursor, then Cursor Settings > MCP lists "${name}" with its tools`,
    docs: 'https://cursor.com/docs/mcp',
  },
  vscode: {
    id: 'vscode',
    name: 'VS Code',
    format: 'json',
    serversKey: 'servers',
    file: (scope, project, env) =>
      scope === 'project' ? path.join(project, '.vscode', 'mcp.json') : path.join(vscodeUserDir(env), 'mcp.json'),
    entry: stdio,
    check: (_scope, name) => `in VS Code, run "MCP: List Servers" from the Command Palette: "${name}" is listed`,
    docs: 'https://code.visualstudio.com/docs/copilot/reference/mcp-configuration',
  },
  codex: {
    id: 'codex',
    name: 'Codex CLI',
    format: 'toml',
    serversKey: 'mcp_servers',
    // Codex reads $CODEX_HOME/config.toml, and .codex/config.toml in a project it trusts.
    file: (scope, project, env) =>
      scope === 'project'
        ? path.join(project, '.codex', 'config.toml')
        : path.join(env.CODEX_HOME || path.join(home(env), '.codex'), 'config.toml'),
    entry: plain,
    check: (scope) => `codex mcp list${scope === 'project' ? ' (in the project, once Codex trusts it)' : ''}`,
    docs: 'https://developers.openai.com/codex/mcp',
  },
  gemini: {
    id: 'gemini',
    name: 'Gemini CLI',
    format: 'json',
    serversKey: 'mcpServers',
    file: (scope, project, env) => path.join(scope === 'project' ? project : home(env), '.gemini', 'settings.json'),
    entry: plain,
    check: (scope) => `gemini mcp list${scope === 'project' ? ' (in the project folder, once Gemini trusts it)' : ''}`,
    docs: 'https://geminicli.com/docs/tools/mcp-server/',
  },
  windsurf: {
    id: 'windsurf',
    name: 'Windsurf',
    format: 'json',
    serversKey: 'mcpServers',
    // Windsurf has one file, for the user: no project scope.
    file: (scope, _project, env) =>
      scope === 'user' ? path.join(home(env), '.codeium', 'windsurf', 'mcp_config.json') : undefined,
    entry: plain,
    check: (_scope, name) => `in Windsurf, open Cascade > MCP servers and refresh: "${name}" is listed`,
    docs: 'https://docs.windsurf.com/windsurf/cascade/mcp',
  },
};

/** The scopes a host has, in the order `ct setup` prefers them. */
export function scopesOf(host: Host): Scope[] {
  return (['user', 'project'] as const).filter((s) => host.file(s, '/', {}) !== undefined);
}
