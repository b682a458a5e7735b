import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { detectProject } from '../../src/project/detect.js';
import { claudeUser, makeCtShim, runClaude, runHookCommand } from '../helpers/claude-code.js';
import { runCli } from '../helpers/cli.js';
import { startFakeAnthropic } from '../helpers/fake-anthropic.js';
import { writeFile } from '../helpers/git.js';
import { makeNodeProject, makePythonProject, TranscriptBuilder } from '../helpers/hook-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLUGIN = path.join(ROOT, 'skill');

// The hook output as documented in Claude Code's hooks reference: the common JSON fields, and
// hookSpecificOutput per event. Strict, so a misspelt or unknown field fails the test.
const SessionStartSpecific = z.strictObject({
  hookEventName: z.literal('SessionStart'),
  additionalContext: z.string().optional(),
});
const StopSpecific = z.strictObject({ hookEventName: z.literal('Stop'), additionalContext: z.string().optional() });
const HookOutputSchema = z.strictObject({
  continue: z.boolean().optional(),
  suppressOutput: z.boolean().optional(),
  stopReason: z.string().optional(),
  decision: z.enum(['approve', 'block']).optional(),
  reason: z.string().optional(),
  systemMessage: z.string().optional(),
  hookSpecificOutput: z.discriminatedUnion('hookEventName', [SessionStartSpecific, StopSpecific]).optional(),
});
/** SessionStart adds context through hookSpecificOutput.additionalContext. */
const SessionStartOutputSchema = HookOutputSchema.extend({
  hookSpecificOutput: SessionStartSpecific.extend({ additionalContext: z.string().min(1) }),
});
/** Stop: decision "block" with the reason Claude continues with (a reason is required with block). */
const StopOutputSchema = HookOutputSchema.extend({
  decision: z.literal('block'),
  reason: z.string().min(1),
  hookSpecificOutput: z.never().optional(),
});

const hooksJson = JSON.parse(fs.readFileSync(path.join(PLUGIN, 'hooks', 'hooks.json'), 'utf8')) as {
  hooks: Record<string, { matcher?: string; hooks: { type: string; command: string; timeout?: number }[] }[]>;
};
const hookCommand = (event: string): string => hooksJson.hooks[event]?.[0]?.hooks[0]?.command ?? '';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function firstSeed(): string {
  const dir = path.join(ROOT, 'seeds', 'traces');
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.md')) as string;
}

function sessionStartPayload(cwd: string, source: string, sessionId = `sess-${source}`): string {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: path.join(tempDir('ct-transcripts-'), `${sessionId}.jsonl`),
    cwd,
    hook_event_name: 'SessionStart',
    source,
    model: 'claude-sonnet-4-5',
  });
}

function stopPayload(sessionId: string, transcriptPath: string, stopHookActive: boolean, cwd: string): string {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: transcriptPath,
    cwd,
    permission_mode: 'default',
    hook_event_name: 'Stop',
    stop_hook_active: stopHookActive,
  });
}

describe('the plugin files', () => {
  const validate = (target: string) =>
    runClaude(['plugin', 'validate', '--strict', target], {
      cwd: ROOT,
      env: claudeUser({ ctHome: path.join(tempDir(), 'ct') }).env,
    });

  it('pass `claude plugin validate --strict` (plugin, marketplace dir and marketplace file)', async () => {
    for (const target of ['./skill', '.', './.claude-plugin/marketplace.json']) {
      const result = await validate(target);
      expect(result.code, `${target}:\n${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/Validation passed/);
      expect(result.stdout).not.toMatch(/warning|error/i);
    }
  });

  it('wire the hooks to `ct hook`, the MCP server to `ct mcp`, and the marketplace to ./skill', () => {
    const plugin = JSON.parse(fs.readFileSync(path.join(PLUGIN, '.claude-plugin', 'plugin.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const marketplace = JSON.parse(fs.readFileSync(path.join(ROOT, '.claude-plugin', 'marketplace.json'), 'utf8')) as {
      plugins: { name: string; source: string; version?: string }[];
    };
    const mcp = JSON.parse(fs.readFileSync(path.join(PLUGIN, '.mcp.json'), 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(marketplace.plugins).toEqual([
      expect.objectContaining({ name: plugin.name, source: './skill', version: plugin.version }),
    ]);
    expect(plugin.version).toBe(pkg.version);
    expect(mcp.mcpServers.ct).toEqual({ command: 'ct', args: ['mcp'] });
    expect(hookCommand('SessionStart')).toMatch(/\bct hook session-start$/);
    expect(hookCommand('Stop')).toMatch(/\bct hook stop$/);
    for (const skill of ['commontrace', 'search', 'contribute'])
      expect(fs.existsSync(path.join(PLUGIN, 'skills', skill, 'SKILL.md')), skill).toBe(true);
  });
});

describe('ct hook session-start', () => {
  let ctHome: string;
  let env: Record<string, string>;
  let nodeProject: string;
  let pythonProject: string;
  const hook = (cwd: string, input: string, extra: Record<string, string> = {}) =>
    runHookCommand(hookCommand('SessionStart'), { cwd, env: { ...env, ...extra }, input });

  beforeAll(async () => {
    ctHome = path.join(tempDir('ct-hook-home-'), 'ct');
    // What the context holds must not depend on how loaded the test machine is: a generous time
    // limit here; the timing test below runs with the default one.
    env = {
      ...(process.env as Record<string, string>),
      CT_HOME: ctHome,
      CT_HOOK_TIMEOUT_MS: '15000',
      PATH: `${makeCtShim()}${path.delimiter}${process.env.PATH}`,
    };
    delete env.CT_HOOKS;
    // A first `ct` command creates and indexes the built-in seeds store, as it would for a user.
    const first = await runCli(['search', 'react', '-n', '1'], { env: { CT_HOME: ctHome } });
    expect(first.code, first.stderr).toBe(0);
    nodeProject = makeNodeProject();
    pythonProject = makePythonProject();
  });

  it.each(['startup', 'resume', 'clear', 'compact'])(
    'adds bounded context for a React project (source %s)',
    async (source) => {
      const result = await hook(nodeProject, sessionStartPayload(nodeProject, source));
      expect(result.code, result.stderr).toBe(0);
      const output = SessionStartOutputSchema.parse(JSON.parse(result.stdout));
      const context = output.hookSpecificOutput.additionalContext;
      expect(context).toMatch(
        /Project facts \(read from package\.json, package-lock\.json\): .*uses react 18\.3\.1, vite 5\.2\.11, typescript 5\.4\.5/,
      );
      expect(context).toMatch(/not instructions/);
      const traces = context.match(/<trace id="[0-9A-Z]{26}" store="seeds"[^>]*>/g) ?? [];
      expect(traces.length).toBeGreaterThanOrEqual(2);
      expect(traces.length).toBeLessThanOrEqual(5);
      expect(context.match(/<\/trace>/g)).toHaveLength(traces.length);
      expect(traces.some((t) => /topic="react"/.test(t))).toBe(true);
      expect(context.length / 4).toBeLessThanOrEqual(1500);
    },
  );

  it('adds FastAPI and pydantic traces for a Python project', async () => {
    const result = await hook(pythonProject, sessionStartPayload(pythonProject, 'startup'));
    const context = SessionStartOutputSchema.parse(JSON.parse(result.stdout)).hookSpecificOutput.additionalContext;
    expect(context).toMatch(/languages: Python; uses fastapi >=0\.110, pydantic >=2\.6,<3, pytest >=8/);
    expect(context).toMatch(/<trace [^>]*topic="fastapi"[^>]*>\nTitle: .*FastAPI/);
    expect(context).toMatch(/<trace [^>]*topic="pydantic"[^>]*>\nTitle: .*Pydantic/i);
    expect(context).not.toMatch(/topic="react"/);
  });

  it('stays silent without a store, without an index, and when turned off', async () => {
    const silent = async (cwd: string, extra: Record<string, string>, why: string) => {
      const result = await hook(cwd, sessionStartPayload(cwd, 'startup'), extra);
      expect({ why, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        why,
        code: 0,
        stdout: '',
        stderr: '',
      });
    };
    // The seeds store removed and nothing registered: nothing to read, and nothing is built.
    const emptyHome = path.join(tempDir('ct-empty-home-'), 'ct');
    expect((await runCli(['store', 'remove', 'seeds'], { env: { CT_HOME: emptyHome } })).code).toBe(0);
    await silent(nodeProject, { CT_HOME: emptyHome }, 'no store');
    expect(fs.existsSync(path.join(emptyHome, 'stores', 'seeds'))).toBe(false);
    expect(fs.existsSync(path.join(emptyHome, 'seeds-build.pid'))).toBe(false);

    // A registered store whose index is missing: skipped, not rebuilt during the session start.
    const noIndexHome = path.join(tempDir('ct-noindex-home-'), 'ct');
    const team = path.join(tempDir('ct-team-store-'), 'team');
    expect((await runCli(['init', team], { env: { CT_HOME: noIndexHome } })).code).toBe(0);
    writeFile(team, 'traces/react/a.md', fs.readFileSync(path.join(ROOT, 'seeds', 'traces', firstSeed()), 'utf8'));
    // `ct init` registers the new store.
    expect((await runCli(['store', 'remove', 'seeds'], { env: { CT_HOME: noIndexHome } })).code).toBe(0);
    await silent(nodeProject, { CT_HOME: noIndexHome }, 'no index');
    expect(fs.existsSync(path.join(team, '.ct', 'index'))).toBe(false);

    await silent(nodeProject, { CT_HOOKS: 'off' }, 'CT_HOOKS=off');
    await silent(nodeProject, { CT_HOOKS: 'stop' }, 'CT_HOOKS=stop keeps only the stop hook');
    await silent(tempDir('ct-empty-project-'), {}, 'nothing to detect');

    const configHome = path.join(tempDir('ct-config-home-'), 'ct');
    fs.cpSync(ctHome, configHome, { recursive: true });
    fs.writeFileSync(path.join(configHome, 'config.json'), JSON.stringify({ hooks: { 'session-start': false } }));
    await silent(nodeProject, { CT_HOME: configHome }, 'config.json hooks.session-start false');
    const status = await runCli(['hook', '--json'], { env: { CT_HOME: configHome } });
    expect(JSON.parse(status.stdout)).toEqual({
      hooks: [
        { hook: 'session-start', enabled: false, from: 'config.json' },
        { hook: 'stop', enabled: true, from: 'default' },
      ],
      config_file: path.join(configHome, 'config.json'),
    });
    fs.writeFileSync(path.join(configHome, 'config.json'), JSON.stringify({ hooks: 'off' }));
    await silent(nodeProject, { CT_HOME: configHome }, 'config.json hooks off');

    // No `ct` on PATH at all: the hook command itself stays silent.
    const bare = await runHookCommand(hookCommand('SessionStart'), {
      cwd: nodeProject,
      env: { ...env, PATH: '/usr/bin:/bin' },
      input: sessionStartPayload(nodeProject, 'startup'),
    });
    expect(bare).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('gives context in the very first session of a fresh home, and builds the seeds store meanwhile', async () => {
    // No `ct` command has run in this home: the built-in seeds store does not exist yet.
    const freshHome = path.join(tempDir('ct-fresh-home-'), 'ct');
    const first = await runHookCommand(hookCommand('SessionStart'), {
      cwd: nodeProject,
      // The default time limit, as in a real first session.
      env: { ...env, CT_HOME: freshHome, CT_HOOK_TIMEOUT_MS: '' },
      input: sessionStartPayload(nodeProject, 'startup', 'first'),
    });
    expect(first.code, first.stderr).toBe(0);
    const context = SessionStartOutputSchema.parse(JSON.parse(first.stdout)).hookSpecificOutput.additionalContext;
    expect(context).toMatch(/uses react 18\.3\.1, vite 5\.2\.11, typescript 5\.4\.5/);
    expect(context).toMatch(/store "seeds" \(2\d\d traces\)/);
    const traces = context.match(/<trace id="[0-9A-Z]{26}" store="seeds"[^>]*>/g) ?? [];
    expect(traces.length).toBeGreaterThanOrEqual(2);
    expect(traces.some((t) => /topic="react"/.test(t))).toBe(true);
    expect(traces.some((t) => /topic="typescript"/.test(t))).toBe(true);

    // A second session while the build runs does not start another one.
    const claim = path.join(freshHome, 'seeds-build.pid');
    const builder = fs.readFileSync(claim, 'utf8').trim();
    const second = await runHookCommand(hookCommand('SessionStart'), {
      cwd: nodeProject,
      env: { ...env, CT_HOME: freshHome },
      input: sessionStartPayload(nodeProject, 'startup', 'second'),
    });
    expect(second.code).toBe(0);
    if (fs.existsSync(claim) && isAlive(Number(builder))) expect(fs.readFileSync(claim, 'utf8').trim()).toBe(builder);

    // The background build finishes on its own: the store and its index, no lock left behind.
    const state = path.join(freshHome, 'stores', 'seeds', '.ct', 'index', 'state.json');
    for (let waited = 0; !(fs.existsSync(state) && !isAlive(Number(builder))) && waited < 90_000; waited += 250)
      await new Promise((r) => setTimeout(r, 250));
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).traces).toBeGreaterThan(200);
    expect(fs.existsSync(path.join(freshHome, 'stores', 'seeds', '.ct', 'index.lock'))).toBe(false);
    expect(fs.existsSync(path.join(freshHome, 'stores', 'seeds', '.ct', 'index.lock.owner'))).toBe(false);
    expect(fs.readdirSync(path.join(freshHome, 'stores'))).toEqual(['seeds']);

    // From then on the hook reads the index.
    const later = await runHookCommand(hookCommand('SessionStart'), {
      cwd: nodeProject,
      env: { ...env, CT_HOME: freshHome },
      input: sessionStartPayload(nodeProject, 'startup', 'later'),
    });
    expect(later.stdout).toMatch(/topic=\\"react\\"/);
  }, 120_000);

  it('stays silent on input it cannot use', async () => {
    for (const input of [
      '',
      'not json',
      '{"hook_event_name":"SessionStart","cwd":42}',
      JSON.stringify({
        cwd: path.join(nodeProject, 'missing-dir'),
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    ]) {
      const result = await hook(nodeProject, input);
      expect(result.code, input).toBe(0);
      if (result.stdout) SessionStartOutputSchema.parse(JSON.parse(result.stdout));
    }
    const broken = path.join(tempDir('ct-broken-home-'), 'ct');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'stores.json'), '{ not json');
    expect(await hook(nodeProject, sessionStartPayload(nodeProject, 'startup'), { CT_HOME: broken })).toMatchObject({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('past its time limit it exits 0 silently, and says why under DEBUG', async () => {
    // How fast it answers with the default limit is measured by `npm run bench -- session-start`.
    const result = await hook(nodeProject, sessionStartPayload(nodeProject, 'startup', 'too-slow'), {
      CT_HOOK_TIMEOUT_MS: '1',
      DEBUG: '1',
    });
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toMatch(/session-start: silent: out of time/);
  });
});

describe('project detection (what session-start searches for)', () => {
  it('reads go.mod, Cargo.toml with Cargo.lock, requirements files with poetry.lock, and file types', async () => {
    const go = tempDir('ct-go-');
    writeFile(
      go,
      'go.mod',
      'module example.com/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgorm.io/gorm v1.25.7 // indirect\n)\n',
    );
    writeFile(go, 'cmd/api/main.go', 'package main\n');
    writeFile(go, 'Dockerfile', 'FROM golang:1.22\n');
    writeFile(go, 'compose.yaml', 'services: {}\n');
    writeFile(go, '.github/workflows/ci.yml', 'on: push\n');
    expect(await detectProject(go)).toMatchObject({
      languages: ['Go'],
      technologies: [
        { name: 'gin', package: 'github.com/gin-gonic/gin', version: 'v1.9.1', ecosystem: 'go' },
        { name: 'gorm', version: 'v1.25.7' },
      ],
      tools: ['docker', 'docker-compose', 'github-actions'],
      packageManagers: ['go modules'],
    });

    const rust = tempDir('ct-rust-');
    writeFile(
      rust,
      'Cargo.toml',
      '[package]\nname = "svc"\n\n[dependencies]\naxum = "0.7"\ntokio = { version = "1", features = ["full"] }\n\n[dev-dependencies]\nreqwest = "0.12"\n',
    );
    writeFile(
      rust,
      'Cargo.lock',
      'version = 3\n\n[[package]]\nname = "axum"\nversion = "0.7.5"\n\n[[package]]\nname = "tokio"\nversion = "1.37.0"\n',
    );
    writeFile(rust, 'src/main.rs', 'fn main() {}\n');
    writeFile(rust, 'target/debug/build.rs', '// build output is not the project\n');
    const rustProfile = await detectProject(rust);
    expect(rustProfile.technologies.map((t) => `${t.name}@${t.version}`)).toEqual([
      'axum@0.7.5',
      'tokio@1.37.0',
      'reqwest@0.12',
    ]);
    expect(rustProfile.languages).toEqual(['Rust']);

    const django = tempDir('ct-django-');
    writeFile(
      django,
      'requirements.txt',
      '# web\nDjango==5.0.3\n-r requirements-base.txt\ncelery[redis]>=5.3 ; python_version >= "3.10"\ngit+https://example.com/x.git\n',
    );
    writeFile(django, 'requirements-dev.txt', 'pytest-asyncio>=0.23\n');
    writeFile(django, 'poetry.lock', '[[package]]\nname = "django"\nversion = "5.0.3"\n');
    const djangoProfile = await detectProject(django);
    expect(djangoProfile.technologies.map((t) => `${t.name}@${t.version}`)).toEqual([
      'django@5.0.3',
      'celery@>=5.3',
      'pytest-asyncio@>=0.23',
    ]);
    expect(djangoProfile.packageManagers).toEqual(['poetry']);
    expect(djangoProfile.sources).toEqual(
      expect.arrayContaining(['requirements.txt', 'requirements-dev.txt', 'poetry.lock']),
    );
  });
});

describe('ct hook stop', () => {
  let ctHome: string;
  let env: Record<string, string>;
  let project: string;
  let transcripts: string;
  const hook = (input: string, extra: Record<string, string> = {}) =>
    runHookCommand(hookCommand('Stop'), { cwd: project, env: { ...env, ...extra }, input });

  beforeAll(() => {
    ctHome = path.join(tempDir('ct-stop-home-'), 'ct');
    env = {
      ...(process.env as Record<string, string>),
      CT_HOME: ctHome,
      PATH: `${makeCtShim()}${path.delimiter}${process.env.PATH}`,
    };
    delete env.CT_HOOKS;
    project = makeNodeProject();
    transcripts = tempDir('ct-transcripts-');
  });

  const fixedSession = (id: string) =>
    new TranscriptBuilder(id)
      .user('The checkout total is wrong, please fix the failing test')
      .bash(
        'npm test',
        'FAIL src/cart.test.ts\n  TypeError: cart.total is not a function\nTests: 1 failed, 4 passed',
        true,
      )
      .read('src/cart.ts')
      .edit('src/cart.ts')
      .bash('npm test', 'PASS src/cart.test.ts\nTests: 5 passed, 5 total', false)
      .assistant('The test passes now: `total` was a getter, not a method.')
      .write(transcripts);

  it('nudges once when a failing test passed after edits, and never while stop_hook_active', async () => {
    const transcript = fixedSession('sess-fixed');
    // Claude is already continuing because of a Stop hook: never block again.
    expect(await hook(stopPayload('sess-fixed', transcript, true, project))).toMatchObject({ code: 0, stdout: '' });

    const first = await hook(stopPayload('sess-fixed', transcript, false, project));
    expect(first.code, first.stderr).toBe(0);
    const output = StopOutputSchema.parse(JSON.parse(first.stdout));
    expect(output.reason).toMatch(
      /^CommonTrace: this session appears to have fixed a problem \(`npm test` failed, 1 file was edited, then `npm test` passed\)\./,
    );
    expect(output.reason).toMatch(/contribute_trace/);
    expect(output.reason).toMatch(/without secrets or project-private details/);
    expect(output.reason.split('\n')).toHaveLength(1);

    // The continuation Claude makes, then a later stop in the same session: nothing more.
    expect(await hook(stopPayload('sess-fixed', transcript, true, project))).toMatchObject({ code: 0, stdout: '' });
    expect(await hook(stopPayload('sess-fixed', transcript, false, project))).toMatchObject({ code: 0, stdout: '' });
  });

  it('with DEBUG, says on stderr why it stays silent', async () => {
    const debug = { DEBUG: '1' };
    const why = async (input: string) => {
      const result = await hook(input, debug);
      expect(result).toMatchObject({ code: 0, stdout: '' });
      return result.stderr;
    };
    const idle = new TranscriptBuilder('sess-idle').user('What does this function do?').write(transcripts);
    expect(await why(stopPayload('sess-idle', idle, false, project))).toMatch(
      /^\[ct hook\] stop: silent: nothing fixed as far as the session shows \(1 transcript events\)/,
    );
    expect(await why(stopPayload('sess-idle', idle, true, project))).toMatch(/stop: silent: stop_hook_active is true/);
    expect(await why('')).toMatch(/stop: silent: no session_id in the hook input/);
    const missing = path.join(transcripts, 'missing.jsonl');
    expect(await why(stopPayload('sess-missing', missing, false, project))).toMatch(
      /the transcript .*missing\.jsonl could not be read/,
    );
    const fixed = fixedSession('sess-debug');
    expect((await hook(stopPayload('sess-debug', fixed, false, project), debug)).stdout).toMatch(/"decision"/);
    expect(await why(stopPayload('sess-debug', fixed, false, project))).toMatch(
      /stop: silent: already nudged once in session sess-debug/,
    );
  });

  it('nudges on "fixed" / "works now" after a reported error', async () => {
    const transcript = new TranscriptBuilder('sess-words')
      .user('uvicorn crashes with ImportError: cannot import name X')
      .edit('app/main.py')
      .user('works now, thanks')
      .write(transcripts);
    const result = await hook(stopPayload('sess-words', transcript, false, project));
    expect(StopOutputSchema.parse(JSON.parse(result.stdout)).reason).toMatch(
      /an error was reported, 1 file was edited, the fix was reported to work/,
    );
  });

  it('stays silent when nothing was fixed, when turned off, and on unusable input', async () => {
    const reading = new TranscriptBuilder('sess-reading')
      .user('What does this repository do?')
      .read('README.md')
      .assistant('It is a small shop front end built with React.')
      .write(transcripts);
    const failing = new TranscriptBuilder('sess-failing')
      .bash('npm test', 'Tests: 2 failed', true)
      .edit('src/a.ts')
      .bash('npm test', 'Tests: 1 failed', true)
      .write(transcripts);
    const fixed = fixedSession('sess-off');
    const silent: [string, string, Record<string, string>][] = [
      ['only reading', stopPayload('sess-reading', reading, false, project), {}],
      ['still failing', stopPayload('sess-failing', failing, false, project), {}],
      ['CT_HOOKS=off', stopPayload('sess-off', fixed, false, project), { CT_HOOKS: 'off' }],
      ['CT_HOOKS=session-start', stopPayload('sess-off', fixed, false, project), { CT_HOOKS: 'session-start' }],
      ['missing transcript', stopPayload('sess-missing', path.join(transcripts, 'nope.jsonl'), false, project), {}],
      [
        'no session id',
        JSON.stringify({ transcript_path: fixed, hook_event_name: 'Stop', stop_hook_active: false }),
        {},
      ],
      ['not JSON', '{"session_id":', {}],
      ['empty input', '', {}],
    ];
    for (const [why, input, extra] of silent) {
      const result = await hook(input, extra);
      expect({ why, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        why,
        code: 0,
        stdout: '',
        stderr: '',
      });
    }
    // Turned off, the session was not marked: with hooks on again it still gets its one nudge.
    StopOutputSchema.parse(JSON.parse((await hook(stopPayload('sess-off', fixed, false, project))).stdout));
  });
});

describe('installed in Claude Code (isolated HOME, offline)', () => {
  let ctHome: string;
  let user: { home: string; env: Record<string, string> };
  let project: string;

  beforeAll(async () => {
    ctHome = path.join(tempDir('ct-cc-home-'), 'ct');
    expect((await runCli(['search', 'react', '-n', '1'], { env: { CT_HOME: ctHome } })).code).toBe(0);
    user = claudeUser({ ctHome, extra: { CT_HOOK_TIMEOUT_MS: '15000' } });
    project = makeNodeProject();
  });

  it('adds the marketplace, installs the plugin and reports its MCP server connected', async () => {
    const added = await runClaude(['plugin', 'marketplace', 'add', ROOT], { cwd: user.home, env: user.env });
    expect(added.code, added.stdout + added.stderr).toBe(0);
    expect(added.stdout).toMatch(/Successfully added marketplace: commontrace/);
    const installed = await runClaude(['plugin', 'install', 'commontrace@commontrace'], {
      cwd: user.home,
      env: user.env,
    });
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);

    const list = await runClaude(['plugin', 'list'], { cwd: user.home, env: user.env });
    expect(list.stdout).toMatch(/commontrace@commontrace\s+Version: 0\.1\.0\s+Scope: user\s+Status: .*enabled/);
    const record = JSON.parse(
      fs.readFileSync(path.join(user.home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8'),
    ) as { plugins: Record<string, { installPath: string }[]> };
    const installPath = record.plugins['commontrace@commontrace']?.[0]?.installPath ?? '';
    for (const file of [
      '.claude-plugin/plugin.json',
      '.mcp.json',
      'hooks/hooks.json',
      'skills/commontrace/SKILL.md',
      'skills/search/SKILL.md',
      'skills/contribute/SKILL.md',
    ])
      expect(fs.existsSync(path.join(installPath, file)), file).toBe(true);

    const mcp = await runClaude(['mcp', 'list'], { cwd: project, env: user.env });
    expect(mcp.stdout).toMatch(/^plugin:commontrace:ct: ct mcp - (✓|✔) Connected/m);
  });

  describe('in a session (Claude Code against a local stand-in for the model API)', () => {
    let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
    interface StreamEvent {
      type: string;
      subtype?: string;
      hook_name?: string;
      output?: string;
      outcome?: string;
      session_id?: string;
    }
    const session = async (args: string[]) => {
      const result = await runClaude(
        ['-p', ...args, '--output-format', 'stream-json', '--verbose', '--include-hook-events'],
        {
          cwd: project,
          env: { ...user.env, ANTHROPIC_API_KEY: 'sk-ant-test-not-a-key', ANTHROPIC_BASE_URL: fake.url },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const events = result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as StreamEvent);
      return { events, hooks: events.filter((e) => e.subtype === 'hook_response') };
    };

    beforeAll(async () => {
      fake = await startFakeAnthropic('Fixed: `cart.total` is a getter, so the failing test passes now.');
    });
    afterAll(async () => {
      await fake?.close();
    });

    it('runs SessionStart (context reaches the model) and Stop (one nudge, no loop), and stays quiet on resume', async () => {
      const first = await session(['npm test fails with TypeError: cart.total is not a function']);
      const start = first.hooks.find((h) => h.hook_name === 'SessionStart:startup');
      expect(start?.outcome).toBe('success');
      SessionStartOutputSchema.parse(JSON.parse(start?.output ?? ''));
      const stops = first.hooks.filter((h) => h.hook_name === 'Stop');
      expect(stops.map((h) => h.outcome)).toEqual(['success', 'success']);
      StopOutputSchema.parse(JSON.parse(stops[0]?.output ?? ''));
      expect(stops[1]?.output).toBe('');

      const calls = fake.messageCalls().map((c) => JSON.stringify(c.messages));
      expect(calls[0]).toMatch(/CommonTrace session context/);
      expect(calls[0]).toMatch(/uses react 18\.3\.1/);
      expect(
        calls.filter((c) => /Stop hook feedback:\\nCommonTrace: this session appears to have fixed a problem/.test(c)),
      ).toHaveLength(1);
      expect(calls).toHaveLength(2);

      const sessionId = first.events.find((e) => e.type === 'result')?.session_id ?? '';
      const resumed = await session(['--resume', sessionId, 'thanks']);
      expect(resumed.hooks.find((h) => h.hook_name === 'SessionStart:resume')?.outcome).toBe('success');
      expect(resumed.hooks.filter((h) => h.hook_name === 'Stop').map((h) => h.output)).toEqual(['']);
      expect(fake.messageCalls()).toHaveLength(3);
    });
  });
});
