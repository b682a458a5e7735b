import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHookCommand } from '../helpers/claude-code.js';
import { makeNodeProject, makePythonProject } from '../helpers/hook-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Wall time of the SessionStart hook command as Claude Code runs it (a shell, `ct` from PATH, the
 * hook JSON on stdin), with the default time limit, alternating a Node and a Python project: how
 * many answered within the limit and how long each run took.
 */
export async function benchSessionStart(runs = 7): Promise<Record<string, unknown>> {
  const home = tempDir('ct-bench-hook-');
  // `ct` on PATH as an installed CLI would be (test/helpers' shim resolves paths from test/, not dist/test/).
  const shim = path.join(home, 'bin');
  fs.mkdirSync(shim);
  const bin = path.join(ROOT, 'bin', 'run.js');
  fs.writeFileSync(path.join(shim, 'ct'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`, { mode: 0o755 });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CT_HOME: path.join(home, 'ct'),
    PATH: `${shim}${path.delimiter}${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
  };
  delete env.CT_HOOKS;
  delete env.CT_HOOK_TIMEOUT_MS;
  delete env.CT_DATA_DIR;
  // The first `ct` command creates and indexes the built-in seeds store, as for a new user.
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'search', 'react', '-n', '1'], {
    env,
    stdio: 'ignore',
  });
  const hooks = JSON.parse(fs.readFileSync(path.join(ROOT, 'skill', 'hooks', 'hooks.json'), 'utf8')) as {
    hooks: Record<string, { hooks: { command: string }[] }[]>;
  };
  const command = hooks.hooks.SessionStart?.[0]?.hooks[0]?.command ?? 'ct hook session-start';
  const projects = [makeNodeProject(), makePythonProject()];
  const times: number[] = [];
  const floor: number[] = [];
  let answered = 0;
  for (let i = 0; i < runs; i++) {
    const nodeStarted = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    floor.push(Math.round(performance.now() - nodeStarted));
    const cwd = projects[i % 2] as string;
    const input = JSON.stringify({ session_id: `bench-${i}`, cwd, hook_event_name: 'SessionStart', source: 'startup' });
    const result = await runHookCommand(command, { cwd, env, input });
    if (result.code !== 0) throw new Error(`the hook failed (exit ${result.code}): ${result.stderr}`);
    if (result.stdout.trim()) answered++;
    times.push(Math.round(result.ms));
  }
  fs.rmSync(home, { recursive: true, force: true });
  const sorted = [...times].sort((a, b) => a - b);
  const nodeMedian = [...floor].sort((a, b) => a - b)[floor.length >> 1] as number;
  return {
    limit_ms: 1800,
    target_ms: 300,
    node_e_0_median_ms: nodeMedian,
    ratio_to_node: Math.round(((sorted[sorted.length >> 1] as number) / Math.max(1, nodeMedian)) * 100) / 100,
    median_ms: sorted[sorted.length >> 1],
    min_ms: sorted[0],
    max_ms: sorted.at(-1),
    answered,
    runs: times,
  };
}
