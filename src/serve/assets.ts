import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getPackageRoot } from '../paths.js';

export interface Asset {
  type: string;
  body: string;
}

const require = createRequire(import.meta.url);

/** The files under /assets/: the stylesheet and script shipped in src/serve/assets, and highlight.js's theme. */
const SOURCES: Record<string, { type: string; read: () => Promise<string> }> = {
  'style.css': { type: 'text/css; charset=utf-8', read: () => readOwn('style.css') },
  'search.js': { type: 'text/javascript; charset=utf-8', read: () => readOwn('search.js') },
  'highlight.css': { type: 'text/css; charset=utf-8', read: readHighlightTheme },
};

const cache = new Map<string, Asset>();

/** An asset by file name, read once; undefined for any other name. */
export async function readAsset(name: string): Promise<Asset | undefined> {
  const source = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined;
  if (!source) return undefined;
  const cached = cache.get(name);
  if (cached) return cached;
  const asset = { type: source.type, body: await source.read() };
  cache.set(name, asset);
  return asset;
}

function readOwn(name: string): Promise<string> {
  return fs.readFile(path.join(getPackageRoot(), 'src', 'serve', 'assets', name), 'utf8');
}

/** highlight.js's GitHub theme, and its dark variant for a dark system setting. */
async function readHighlightTheme(): Promise<string> {
  const styles = path.join(path.dirname(require.resolve('highlight.js/package.json')), 'styles');
  const [light, dark] = await Promise.all([
    fs.readFile(path.join(styles, 'github.min.css'), 'utf8'),
    fs.readFile(path.join(styles, 'github-dark.min.css'), 'utf8'),
  ]);
  return `${light}\n@media (prefers-color-scheme: dark) {\n${dark}\n}\n`;
}
