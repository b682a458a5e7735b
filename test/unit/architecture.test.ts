import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPackageRoot } from '../../src/paths.js';

/**
 * The rooms of src/ and the direction of imports (ARCHITECTURE.md): a room imports only from rooms
 * in lower layers, never from a sibling in its own layer, so each walk (a search, a contribution)
 * goes one way through the layers. A new room must be placed here.
 */
const LAYERS: string[][] = [
  ['errors', 'paths'],
  ['util', 'git', 'text', 'project'],
  ['trace', 'hosts'],
  ['store'],
  ['ballot', 'forge', 'embed', 'staleness'],
  ['check', 'trust'],
  ['index', 'trace-log', 'review'],
  ['search'],
  ['contribute', 'render', 'diagnose', 'eval'],
  ['cli', 'mcp', 'hooks'],
  ['fast', 'serve'],
];

const root = getPackageRoot();
const layerOf = new Map(LAYERS.flatMap((rooms, layer) => rooms.map((room) => [room, layer] as const)));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Relative import specifiers of a file, static and dynamic, resolved to paths from the repo root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

/** The room of a file under src/: its first folder, or its name for a top-level file (errors, paths). */
const roomOf = (file: string) => file.split(path.sep)[1]?.replace(/\.(ts|js)$/, '') ?? '';

describe('architecture', () => {
  it('places every room of src/ in a layer', () => {
    const rooms = new Set(sourceFiles('src').map(roomOf));
    expect([...rooms].filter((room) => !layerOf.has(room))).toEqual([]);
  });

  it('imports only from lower layers: no sibling edges (hooks from mcp, check from trust, review from trace-log)', () => {
    const violations: string[] = [];
    for (const file of sourceFiles('src')) {
      const from = roomOf(file);
      for (const target of importsOf(file)) {
        if (!target.startsWith(`src${path.sep}`)) {
          violations.push(`${file} imports ${target}, outside src/`);
          continue;
        }
        const to = roomOf(target);
        if (to === from) continue;
        if ((layerOf.get(to) ?? 99) >= (layerOf.get(from) ?? -1)) violations.push(`${file} (${from}) imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps commands thin edges: a command imports the library, never another command', () => {
    const violations = sourceFiles('commands').flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith(`commands${path.sep}`))
        .map((target) => `${file} imports ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('has no import cycles between files (static imports and dynamic import() alike)', () => {
    const files = sourceFiles('src');
    const edges = new Map(files.map((f) => [f, importsOf(f).map((t) => t.replace(/\.js$/, '.ts'))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of edges.get(file) ?? []) if (edges.has(next)) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps build scripts and tests out of the runtime library', () => {
    const violations = sourceFiles('src').flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(test|bin)\b/.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(violations).toEqual([]);
  });
});
