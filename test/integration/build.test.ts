import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFile } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve('.');
const COMPILE = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { compile: string } }
).scripts.compile;

/**
 * A small TypeScript project built by package.json's `compile` script, with a `tsc` on PATH that
 * records what dist/ held while it compiled (a linked `ct` runs from dist/ meanwhile).
 */
function project(): { dir: string; run: () => { code: number; seen: string } } {
  const dir = tempDir('ct-build-');
  writeFile(
    dir,
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { outDir: 'dist', rootDir: '.', module: 'NodeNext', target: 'ES2022', types: [] },
      include: ['src/**/*.ts'],
    }),
  );
  writeFile(dir, 'dist/src/a.js', 'export const version = "old";\n');
  writeFile(dir, 'dist/src/deleted.js', '// compiled from a source that no longer exists\n');
  const bin = tempDir('ct-build-bin-');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  writeFile(
    bin,
    'tsc',
    `#!/bin/sh\ncat dist/src/a.js > seen.txt 2>/dev/null || echo missing > seen.txt\nexec "${process.execPath}" "${tsc}" "$@"\n`,
  );
  fs.chmodSync(path.join(bin, 'tsc'), 0o755);
  const run = () => {
    const result = spawnSync('sh', ['-c', COMPILE], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      encoding: 'utf8',
    });
    return { code: result.status ?? -1, seen: fs.readFileSync(path.join(dir, 'seen.txt'), 'utf8').trim() };
  };
  return { dir, run };
}

describe('npm run build (the compile step)', () => {
  it('keeps the old dist/ while compiling, then swaps in the new one without stale files', () => {
    const { dir, run } = project();
    writeFile(dir, 'src/a.ts', 'export const version: string = "new";\n');
    const { code, seen } = run();
    expect(code).toBe(0);
    expect(seen).toBe('export const version = "old";');
    expect(fs.readFileSync(path.join(dir, 'dist/src/a.js'), 'utf8')).toContain('"new"');
    expect(fs.existsSync(path.join(dir, 'dist/src/deleted.js'))).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['dist', 'seen.txt', 'src', 'tsconfig.json']);
    expect(
      execFileSync(process.execPath, ['-e', 'import("./dist/src/a.js").then((m) => console.log(m.version))'], {
        cwd: dir,
        encoding: 'utf8',
      }),
    ).toBe('new\n');
  });

  it('leaves the old dist/ in place when the compile fails', () => {
    const { dir, run } = project();
    writeFile(dir, 'src/a.ts', 'export const version: number = "not a number";\n');
    expect(run().code).not.toBe(0);
    expect(fs.readFileSync(path.join(dir, 'dist/src/a.js'), 'utf8')).toBe('export const version = "old";\n');
    expect(fs.existsSync(path.join(dir, 'dist/src/deleted.js'))).toBe(true);
  });
});
