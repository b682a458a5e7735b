/**
 * Error-message normalisation for the lexical side, applied to traces and queries alike: the
 * parts of an error that differ from one machine or run to the next are dropped, so the error an
 * agent sees matches the trace written from someone else's. Kept: exception and identifier names,
 * messages, file names, package names, URLs, ports and version numbers.
 *
 * - file paths keep their file name, and the package after node_modules/site-packages
 *   (`/home/u/app/node_modules/chalk/source/index.js` -> `chalk index.js`);
 * - line and column numbers (`app.py:42:7`, `line 42`, `at col 7`);
 * - hex addresses (`0x7ffd5c1e`), UUIDs, long hex ids (commit and object hashes), ISO timestamps.
 */
export function normalizeErrorText(text: string): string {
  return text
    .replace(TIMESTAMP, ' ')
    .replace(UUID, ' ')
    .replace(HEX_ADDRESS, ' ')
    .replace(HEX_ID, ' ')
    .replace(FILE_LINE, '$1 ')
    .replace(PATH, (path) => {
      const parts = path.split(/[\\/]/).filter(Boolean);
      const pkg = parts.findIndex((p) => PACKAGE_DIRS.has(p));
      const name = parts.at(-1) ?? '';
      return ` ${pkg >= 0 && pkg + 1 < parts.length - 1 ? `${parts[pkg + 1]} ` : ''}${name} `;
    })
    .replace(LINE_WORD, '$1 ');
}

const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX_ADDRESS = /\b0x[0-9a-f]+\b/gi;
/** 8+ hex digits with at least one digit and one letter: a hash, not a word or a number. */
const HEX_ID = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi;
/**
 * A path of two or more segments that starts at a word boundary (/, ~/, ./, ../ or C:\), not
 * inside a URL (`https://host/a/b` stays whole: its host and path name the site).
 */
const PATH = /(?<![\w:/.~-])(?:[A-Za-z]:|~|\.{1,2})?(?:[\\/][\w.@+-]+){2,}[\\/]?/g;
const PACKAGE_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', 'vendor', 'gems']);
/** `file.ext:42` or `file.ext:42:7`: the file name stays (`127.0.0.1:5432` is a host and port, not a file). */
const FILE_LINE = /(\.[A-Za-z]\w*):\d+(?::\d+)?\b/g;
const LINE_WORD = /\b(line|ln|col|column)\s+\d+/gi;
