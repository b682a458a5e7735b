import { isDeepStrictEqual } from 'node:util';
import { parse, stringify, TomlError } from 'smol-toml';
import { InvalidInputError } from '../errors.js';
import { isObject } from './edit-json.js';

/**
 * Sets one server table in a TOML config (Codex's config.toml) while keeping the rest of the text
 * as the user wrote it: smol-toml parses and writes TOML but drops comments, so a new table is
 * appended, and an existing `[<key>.<name>]` block is replaced in place. Each result is parsed
 * again and compared with the intended document; when a hand-written layout (dotted keys, inline
 * tables) defeats the text edit, the whole document is re-serialised instead (comments lost, the
 * backup keeps them).
 */
export function setTomlServer(
  text: string,
  file: string,
  serversKey: string,
  name: string,
  fields: Record<string, unknown>,
): string {
  const root = parseTomlConfig(text, file);
  const servers = root[serversKey];
  if (servers !== undefined && !isObject(servers))
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}: "${serversKey}" is not a table, expected [${serversKey}.<name>] tables`,
      `fix "${serversKey}" in ${file}, then run ct setup again; nothing was written`,
    );
  const existing = isObject(servers) ? servers[name] : undefined;
  if (existing !== undefined && !isObject(existing))
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}: "${serversKey}.${name}" is not a table`,
      `remove "${serversKey}.${name}" from ${file} or pick another name with --name`,
    );
  const entry = { ...plainObject(existing ?? {}), ...fields };
  if (existing && isDeepStrictEqual(plainObject(existing), entry)) return text;
  const wanted = { ...plainObject(root), [serversKey]: { ...plainObject(servers ?? {}), [name]: entry } };
  const table = stringify({ [serversKey]: { [name]: entry } }).trim();
  const candidate = existing ? replaceBlock(text, serversKey, name, table) : appendTable(text, table);
  if (candidate !== undefined && matches(candidate, wanted)) return candidate;
  return `${stringify(wanted).trim()}\n`;
}

/** The server table, or undefined (also for a file that does not parse). */
export function getTomlServer(text: string, serversKey: string, name: string): Record<string, unknown> | undefined {
  try {
    const servers = parse(text)[serversKey];
    const entry = isObject(servers) ? servers[name] : undefined;
    return isObject(entry) ? plainObject(entry) : undefined;
  } catch {
    return undefined;
  }
}

function parseTomlConfig(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    const where = e instanceof TomlError ? `:${e.line}:${e.column}` : '';
    const detail = (e as Error).message.split('\n')[0];
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}${where}: not valid TOML (${detail})`,
      `fix ${file}, then run ct setup again; nothing was written`,
    );
  }
}

function appendTable(text: string, table: string): string {
  if (text.trim() === '') return `${table}\n`;
  return `${text.replace(/\s*$/, '')}\n\n${table}\n`;
}

/**
 * Replaces the `[key.name]` header's block and its sub-tables (`[key.name.env]`) up to the next
 * header that belongs to something else; undefined when there is no such header.
 */
function replaceBlock(text: string, key: string, name: string, table: string): string | undefined {
  const lines = text.split('\n');
  const header = (line: string) => /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line)?.[1]?.replace(/\s*\.\s*/g, '.');
  const own = (h: string) => {
    const plain = h.replace(/"/g, '');
    return plain === `${key}.${name}` || plain.startsWith(`${key}.${name}.`);
  };
  const start = lines.findIndex((l) => {
    const h = header(l);
    return h !== undefined && h.replace(/"/g, '') === `${key}.${name}`;
  });
  if (start === -1) return undefined;
  let end = start + 1;
  while (end < lines.length) {
    const h = header(lines[end] as string);
    if (h !== undefined && !own(h)) break;
    end++;
  }
  // Keep the blank lines (and comments about the next table) that precede the next header.
  while (end > start + 1 && /^\s*(#.*)?$/.test(lines[end - 1] as string)) end--;
  return [...lines.slice(0, start), ...table.split('\n'), ...lines.slice(end)].join('\n');
}

function matches(text: string, wanted: Record<string, unknown>): boolean {
  try {
    return isDeepStrictEqual(plainObject(parse(text)), plainObject(wanted));
  } catch {
    return false;
  }
}

/** smol-toml returns null-prototype objects: copy into plain ones so deep comparisons agree. */
function plainObject(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
