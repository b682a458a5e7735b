/**
 * `npm run build` (after tsc and `oclif manifest`): bundles the fast path of bin/run.js
 * (src/fast/main.ts and everything it loads, but not native or model packages) into one
 * CommonJS file, dist/ct.cjs, and writes the root help snapshot it prints (dist/help.txt).
 * One file loads in a fraction of the time Node takes to resolve and load the few hundred ES
 * modules of dist/src one by one, and can be given a V8 code cache (src/fast/load-bundle.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { HELP_SNAPSHOT } from '../../src/fast/instant.js';
import { getPackageRoot, seedsDir } from '../../src/paths.js';
import { readTraceFiles, SEEDS_SNAPSHOT, traceTerms } from '../../src/search/scan.js';

const root = getPackageRoot();

/**
 * Left to Node at run time: LanceDB's native module (its loader tries a file beside itself first,
 * then the platform package), the model runtimes (large, loaded only for their models), and oclif
 * (loaded only to print an error as the oclif commands do). LanceDB's JavaScript and apache-arrow
 * are bundled: loading them as a few hundred CommonJS files took ~150 ms of a search.
 */
const EXTERNAL = [
  '@lancedb/lancedb-*',
  '*.node',
  '@energetic-ai/*',
  '@xenova/transformers',
  '@huggingface/transformers',
  '@oclif/core',
];

const result = await build({
  entryPoints: [path.join(root, 'src', 'fast', 'main.ts')],
  outfile: path.join(root, 'dist', 'ct.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  // One apache-arrow, the CommonJS build LanceDB requires: src/index/table.ts's import() would
  // otherwise bundle the ES build beside it, and LanceDB checks schemas with instanceof.
  alias: { 'apache-arrow': path.join(root, 'node_modules', 'apache-arrow', 'Arrow.node.js') },
  // import.meta.url (src/paths.ts finds the package from it) as the bundle's own URL.
  define: { 'import.meta.url': '__ctBundleUrl' },
  banner: {
    js: [
      "var __ctBundleUrl = require('node:url').pathToFileURL(__filename).href;",
      // src/fast/load-bundle.ts passes an import() from a real ES module: import() inside a
      // vm.Script needs a loader callback that Node 20 only has as an experimental feature.
      'var __ctImport = __ctImport || ((specifier) => import(specifier));',
    ].join('\n'),
  },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const outfile = path.join(root, 'dist', 'ct.cjs');
const dynamic = /\bimport\((["'])([^"']+)\1\)/g;
const code = fs
  .readFileSync(outfile, 'utf8')
  .replace(dynamic, (whole, quote: string, specifier: string) =>
    EXTERNAL.some((e) => (e.endsWith('/*') ? specifier.startsWith(e.slice(0, -1)) : specifier === e))
      ? `__ctImport(${quote}${specifier}${quote})`
      : whole,
  );
const left = [...code.matchAll(dynamic)].map((m) => m[2]).filter((s) => s !== 'specifier');
if (left.length > 0) throw new Error(`dist/ct.cjs still has import() of ${left.join(', ')}: add them to EXTERNAL`);
fs.writeFileSync(outfile, code);
const bytes = fs.statSync(outfile).size;
const inputs = Object.keys(result.metafile.inputs).length;

// The snapshot is what oclif prints to a pipe: CT_FAST=0 makes bin/run.js take the oclif path.
const env: NodeJS.ProcessEnv = { ...process.env, CT_FAST: '0' };
delete env.OCLIF_COLUMNS;
delete env.FORCE_COLOR;
const help = spawnSync(process.execPath, [path.join(root, 'bin', 'run.js'), '--help'], { env, encoding: 'utf8' });
if (help.status !== 0) throw new Error(`ct --help failed (${help.status}): ${help.stderr}`);
fs.writeFileSync(path.join(root, 'dist', HELP_SNAPSHOT), help.stdout);
process.stderr.write(
  `wrote dist/ct.cjs (${Math.round(bytes / 1024)} KB from ${inputs} modules) and dist/${HELP_SNAPSHOT}\n`,
);

// The seeds as the SessionStart hook scans them before the seeds store is indexed (src/search/scan.ts).
// The body is only scanned through its tokens; notes and verification are never shown.
const seeds = (await readTraceFiles(path.join(seedsDir(), 'traces'))).map(({ trace, path: file }) => ({
  path: file,
  terms: traceTerms(trace),
  trace: { ...trace, body: '', sections: { context: trace.sections.context, solution: trace.sections.solution } },
}));
fs.writeFileSync(path.join(root, 'dist', SEEDS_SNAPSHOT), JSON.stringify(seeds));
process.stderr.write(`wrote dist/${SEEDS_SNAPSHOT} (${seeds.length} seed traces)\n`);
