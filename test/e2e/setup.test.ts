import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJson, runCli } from '../helpers/cli.js';
import { type HostClis, installHostClis } from '../helpers/host-clis.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * `ct setup <host>`: each host's documented config shape (zod schemas below, written from the
 * hosts' documentation), merging into a file that already has other servers and the user's
 * comments, the backup, the dry run, an idempotent second run; and, where the host's CLI is on
 * npm (Claude Code as a devDependency, Codex and Gemini installed once into node_modules/.cache),
 * the host itself listing and connecting to the server.
 */

const Args = z.array(z.string());
const Env = z.record(z.string(), z.string());
// Cursor, Gemini CLI, Windsurf: { mcpServers: { name: { command, args?, env? } } } (remote: url / httpUrl / serverUrl).
const plainStdio = z.object({ command: z.string().min(1), args: Args.optional(), env: Env.optional() }).strict();
// VS Code (.vscode/mcp.json) and Claude Code (.mcp.json, ~/.claude.json): type "stdio" with command and args.
const typedStdio = z
  .object({ type: z.literal('stdio'), command: z.string().min(1), args: Args.optional(), env: Env.optional() })
  .strict();
const OTHER = { command: 'other-server', args: ['--flag'] };

interface Case {
  host: string;
  scope: 'user' | 'project';
  /** The file, from the home folder or the project. */
  file: (home: string, project: string) => string;
  format: 'json' | 'toml';
  key: string;
  entry: z.ZodType;
}

const cases: Case[] = [
  {
    host: 'claude-code',
    scope: 'user',
    file: (h) => path.join(h, '.claude.json'),
    format: 'json',
    key: 'mcpServers',
    entry: typedStdio,
  },
  {
    host: 'claude-code',
    scope: 'project',
    file: (_h, p) => path.join(p, '.mcp.json'),
    format: 'json',
    key: 'mcpServers',
    entry: typedStdio,
  },
  {
    host: 'cursor',
    scope: 'user',
    file: (h) => path.join(h, '.cursor', 'mcp.json'),
    format: 'json',
    key: 'mcpServers',
    entry: plainStdio,
  },
  {
    host: 'cursor',
    scope: 'project',
    file: (_h, p) => path.join(p, '.cursor', 'mcp.json'),
    format: 'json',
    key: 'mcpServers',
    entry: plainStdio,
  },
  {
    host: 'vscode',
    scope: 'user',
    file: (h) => path.join(h, '.config', 'Code', 'User', 'mcp.json'),
    format: 'json',
    key: 'servers',
    entry: typedStdio,
  },
  {
    host: 'vscode',
    scope: 'project',
    file: (_h, p) => path.join(p, '.vscode', 'mcp.json'),
    format: 'json',
    key: 'servers',
    entry: typedStdio,
  },
  {
    host: 'codex',
    scope: 'user',
    file: (h) => path.join(h, '.codex', 'config.toml'),
    format: 'toml',
    key: 'mcp_servers',
    entry: plainStdio,
  },
  {
    host: 'codex',
    scope: 'project',
    file: (_h, p) => path.join(p, '.codex', 'config.toml'),
    format: 'toml',
    key: 'mcp_servers',
    entry: plainStdio,
  },
  {
    host: 'gemini',
    scope: 'user',
    file: (h) => path.join(h, '.gemini', 'settings.json'),
    format: 'json',
    key: 'mcpServers',
    entry: plainStdio,
  },
  {
    host: 'gemini',
    scope: 'project',
    file: (_h, p) => path.join(p, '.gemini', 'settings.json'),
    format: 'json',
    key: 'mcpServers',
    entry: plainStdio,
  },
  {
    host: 'windsurf',
    scope: 'user',
    file: (h) => path.join(h, '.codeium', 'windsurf', 'mcp_config.json'),
    format: 'json',
    key: 'mcpServers',
    entry: plainStdio,
  },
];

function makeWorld(): { home: string; project: string; env: Record<string, string> } {
  const root = tempDir('ct-setup-');
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  fs.mkdirSync(home);
  fs.mkdirSync(project);
  return {
    home,
    project,
    env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), CODEX_HOME: path.join(home, '.codex') },
  };
}

/** A config the user already has: another server, another setting, a comment. */
function existingConfig(c: Case): string {
  if (c.format === 'toml')
    return `# my settings\nmodel = "o3"\n\n[${c.key}.other]\ncommand = "${OTHER.command}"\nargs = ["--flag"]\n`;
  return `{\n  // my settings\n  "theme": "dark",\n  "${c.key}": {\n    "other": ${JSON.stringify(OTHER)}\n  }\n}\n`;
}

function readConfig(c: Case, text: string): Record<string, unknown> {
  if (c.format === 'toml') return JSON.parse(JSON.stringify(parseToml(text)));
  return parseJsonc(text, [], { allowTrailingComma: true }) as Record<string, unknown>;
}

const filesIn = (dir: string) => fs.readdirSync(dir).sort();

describe('ct setup: every host, both scopes', () => {
  for (const c of cases) {
    it(`${c.host} --scope ${c.scope}: dry run, merge with a backup, documented shape, idempotent`, async () => {
      const world = makeWorld();
      const file = c.file(world.home, world.project);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const original = existingConfig(c);
      fs.writeFileSync(file, original);
      const args = ['setup', c.host, '--scope', c.scope, '--project', world.project];

      const dry = await runCli([...args, '--dry-run'], { env: world.env, cwd: world.project });
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^\+.*"?ct"?/m);
      expect(dry.stdout).toContain('dry run: nothing written');
      expect(fs.readFileSync(file, 'utf8')).toBe(original);
      expect(filesIn(path.dirname(file))).toEqual([path.basename(file)]);

      const first = await runCli([...args, '--json'], { env: world.env, cwd: world.project });
      expect(first.code, first.stderr).toBe(0);
      const result = parseJson<{ action: string; file: string; backup: string; diff: string }>(first);
      expect(result.action).toBe('updated');
      expect(result.file).toBe(file);
      expect(fs.readFileSync(result.backup, 'utf8')).toBe(original);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('my settings'); // the user's comment is kept
      const config = readConfig(c, text);
      const servers = z.record(z.string(), z.unknown()).parse(config[c.key]);
      expect(servers.other).toEqual(OTHER);
      const entry = c.entry.parse(servers.ct) as { command: string; args: string[] };
      expect([entry.command, ...entry.args].slice(-1)).toEqual(['mcp']);
      expect(config[c.format === 'toml' ? 'model' : 'theme']).toBe(c.format === 'toml' ? 'o3' : 'dark');

      const again = await runCli([...args, '--json'], { env: world.env, cwd: world.project });
      expect(again.code, again.stderr).toBe(0);
      expect(parseJson(again)).toMatchObject({ action: 'unchanged', backup: null, diff: '' });
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
      expect(filesIn(path.dirname(file))).toEqual([path.basename(file), path.basename(result.backup)].sort());
    });
  }

  it('creates a missing file (and its folder) without a backup; keeps fields a user added to the ct entry', async () => {
    const world = makeWorld();
    const first = await runCli(['setup', 'cursor', '--scope', 'project', '--project', world.project, '--json'], {
      env: world.env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(parseJson(first)).toMatchObject({ action: 'created', backup: null });
    const file = path.join(world.project, '.cursor', 'mcp.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    config.mcpServers.ct.env = { CT_STORE: 'team' };
    config.mcpServers.ct.args = ['old'];
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const second = await runCli(['setup', 'cursor', '--scope', 'project', '--project', world.project, '--json'], {
      env: world.env,
    });
    expect(parseJson(second)).toMatchObject({ action: 'updated' });
    const merged = JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers.ct;
    expect(merged.env).toEqual({ CT_STORE: 'team' });
    expect(merged.args.at(-1)).toBe('mcp');
  });

  it('writes through a symbolic link (a config kept in a dotfiles repository)', async () => {
    const world = makeWorld();
    const dotfiles = path.join(world.home, 'dotfiles');
    fs.mkdirSync(dotfiles);
    fs.writeFileSync(path.join(dotfiles, 'settings.json'), '{ "theme": "dark" }\n');
    fs.mkdirSync(path.join(world.home, '.gemini'));
    fs.symlinkSync(path.join(dotfiles, 'settings.json'), path.join(world.home, '.gemini', 'settings.json'));
    const result = await runCli(['setup', 'gemini', '--json'], { env: world.env });
    expect(result.code, result.stderr).toBe(0);
    expect(fs.lstatSync(path.join(world.home, '.gemini', 'settings.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dotfiles, 'settings.json'), 'utf8'))).toMatchObject({
      theme: 'dark',
      mcpServers: { ct: { args: expect.arrayContaining(['mcp']) } },
    });
    expect(parseJson<{ backup: string }>(result).backup).toMatch(/dotfiles\/settings\.json\.ct-backup-/);
  });

  it('refuses a config it cannot read, naming the file and the place, and writes nothing', async () => {
    const world = makeWorld();
    const file = path.join(world.home, '.gemini', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{\n  "mcpServers": {\n    "other": { "command": "x" \n}\n');
    const broken = await runCli(['setup', 'gemini', '--json'], { env: world.env });
    expect(broken.code).toBe(5);
    const error = (r: typeof broken) => parseJson<{ error: { code: string; message: string; hint: string } }>(r).error;
    expect(error(broken).message).toMatch(new RegExp(`^${file}:5:1: not valid JSON`));
    expect(error(broken).hint).toContain('nothing was written');
    expect(filesIn(path.dirname(file))).toEqual(['settings.json']);

    fs.writeFileSync(file, '{"mcpServers": ["x"]}');
    const wrongShape = await runCli(['setup', 'gemini', '--json'], { env: world.env });
    expect(wrongShape.code).toBe(5);
    expect(error(wrongShape).message).toContain('"mcpServers" is an array, expected an object');

    const toml = path.join(world.home, '.codex', 'config.toml');
    fs.mkdirSync(path.dirname(toml), { recursive: true });
    fs.writeFileSync(toml, 'model = \n');
    const badToml = await runCli(['setup', 'codex', '--json'], { env: world.env });
    expect(badToml.code).toBe(5);
    expect(error(badToml).message).toContain(`${toml}:1:`);
    expect(fs.readFileSync(toml, 'utf8')).toBe('model = \n');
  });

  it('says which scopes a host has, and lists hosts with where ct is configured', async () => {
    const world = makeWorld();
    const windsurf = await runCli(['setup', 'windsurf', '--scope', 'project', '--json'], { env: world.env });
    expect(windsurf.code).toBe(2);
    expect(parseJson<{ error: { message: string; hint: string } }>(windsurf).error).toMatchObject({
      message: 'Windsurf has no project scope',
      hint: expect.stringContaining('--scope user'),
    });
    const unknown = await runCli(['setup', 'emacs'], { env: world.env });
    expect(unknown.code).toBe(2);

    await runCli(['setup', 'codex'], { env: world.env });
    const list = await runCli(['setup', '--list', '--project', world.project, '--json'], { env: world.env });
    expect(list.code, list.stderr).toBe(0);
    const hosts = parseJson<{ host: string; scopes: { scope: string; file: string; configured: boolean }[] }[]>(list);
    expect(hosts.map((h) => h.host)).toEqual(['claude-code', 'cursor', 'vscode', 'codex', 'gemini', 'windsurf']);
    const configured = hosts.flatMap((h) => h.scopes.filter((s) => s.configured).map((s) => `${h.host}:${s.scope}`));
    expect(configured).toEqual(['codex:user']);
    expect(hosts.find((h) => h.host === 'windsurf')?.scopes.map((s) => s.scope)).toEqual(['user']);
  });
});

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('ct setup: the hosts themselves see the server', () => {
  let clis: HostClis | { missing: string };
  beforeAll(async () => {
    clis = await installHostClis();
    if ('missing' in clis && process.env.CI) throw new Error(clis.missing);
  }, 600_000);

  it('Claude Code (devDependency): claude mcp get ct connects to the server in ~/.claude.json, lists the project one', async () => {
    const world = makeWorld();
    expect((await runCli(['setup', 'claude-code'], { env: world.env })).code).toBe(0);
    const got = await run(path.join(ROOT, 'node_modules', '.bin', 'claude'), ['mcp', 'get', 'ct'], {
      cwd: world.project,
      env: world.env,
    });
    expect(got.out).toMatch(/Scope: User config/);
    expect(got.out).toMatch(/Status: ✔ Connected/);

    // A project's .mcp.json: Claude Code lists it, and asks the user once to approve it.
    const other = makeWorld();
    const project = await runCli(['setup', 'claude-code', '--scope', 'project'], {
      cwd: other.project,
      env: other.env,
    });
    expect(project.code, project.stderr).toBe(0);
    const listed = await run(path.join(ROOT, 'node_modules', '.bin', 'claude'), ['mcp', 'get', 'ct'], {
      cwd: other.project,
      env: other.env,
    });
    expect(listed.out).toMatch(/Scope: Project config/);
    expect(listed.out).toMatch(/Pending approval/);
  }, 120_000);

  it('Codex CLI: codex mcp list shows ct from the user config, and from a trusted project', async (ctx) => {
    if ('missing' in clis) return ctx.skip(clis.missing);
    const world = makeWorld();
    expect((await runCli(['setup', 'codex'], { env: world.env })).code).toBe(0);
    const user = await run(clis.codex, ['mcp', 'get', 'ct', '--json'], { cwd: world.project, env: world.env });
    expect(user.code, user.out).toBe(0);
    expect(JSON.parse(user.out.slice(user.out.indexOf('{')))).toMatchObject({
      name: 'ct',
      enabled: true,
      transport: { type: 'stdio' },
    });

    const other = makeWorld();
    fs.mkdirSync(path.join(other.home, '.codex'), { recursive: true });
    // Codex reads a project's .codex/config.toml only when the project is trusted.
    fs.writeFileSync(
      path.join(other.home, '.codex', 'config.toml'),
      `[projects.${JSON.stringify(other.project)}]\ntrust_level = "trusted"\n`,
    );
    await run('git', ['init', '-q'], { cwd: other.project, env: other.env });
    // From a subfolder: the project is the git work tree around it.
    const sub = path.join(other.project, 'src', 'lib');
    fs.mkdirSync(sub, { recursive: true });
    const setup = await runCli(['setup', 'codex', '--scope', 'project'], { cwd: sub, env: other.env });
    expect(
      parseJson(await runCli(['setup', 'codex', '--scope', 'project', '--json'], { cwd: sub, env: other.env })),
    ).toMatchObject({
      file: path.join(other.project, '.codex', 'config.toml'),
      action: 'unchanged',
    });
    expect(setup.code, setup.stderr).toBe(0);
    const list = await run(clis.codex, ['mcp', 'list'], { cwd: other.project, env: other.env });
    expect(list.out).toMatch(/^ct\s+\S+.*\bmcp\b.*enabled/m);
  }, 120_000);

  it('Gemini CLI: gemini mcp list connects to ct from the user and the project settings', async (ctx) => {
    if ('missing' in clis) return ctx.skip(clis.missing);
    for (const scope of ['user', 'project'] as const) {
      const world = makeWorld();
      fs.mkdirSync(path.join(world.home, '.gemini'), { recursive: true });
      // Gemini turns every server off in a folder it does not trust.
      fs.writeFileSync(
        path.join(world.home, '.gemini', 'trustedFolders.json'),
        JSON.stringify({ [world.project]: 'TRUST_FOLDER' }),
      );
      const setup = await runCli(['setup', 'gemini', '--scope', scope], { cwd: world.project, env: world.env });
      expect(setup.code, setup.stderr).toBe(0);
      const list = await run(clis.gemini, ['mcp', 'list'], { cwd: world.project, env: world.env });
      expect(list.out, scope).toMatch(/ct: .*\bmcp \(stdio\) - Connected/);
    }
  }, 180_000);
});
