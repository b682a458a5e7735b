import {
  applyEdits,
  type Edit,
  findNodeAtLocation,
  modify,
  type ParseError,
  parse,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { InvalidInputError } from '../errors.js';

/**
 * Sets one server entry in a JSON (or JSONC: VS Code and Claude Code accept comments) config
 * text, keeping everything else byte for byte: the other servers, the user's comments, their
 * indentation, and the fields of the entry that `ct` does not own (env, disabled...). jsonc-parser
 * edits the text in place instead of re-serialising the document.
 */
export function setJsonServer(
  text: string,
  file: string,
  serversKey: string,
  name: string,
  fields: Record<string, unknown>,
): string {
  const root = parseJsonConfig(text, file);
  const servers = root?.[serversKey];
  if (servers !== undefined && !isObject(servers))
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}: "${serversKey}" is ${describe(servers)}, expected an object mapping server names to servers`,
      `fix or remove "${serversKey}" in ${file}, then run ct setup again; nothing was written`,
    );
  const existing = isObject(servers) ? servers[name] : undefined;
  if (existing !== undefined && !isObject(existing))
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}: "${serversKey}.${name}" is ${describe(existing)}, expected an object`,
      `remove "${serversKey}.${name}" from ${file} or pick another name with --name`,
    );
  const formattingOptions = detectIndent(text);
  let out = text.trim() === '' ? '{}\n' : text;
  if (existing === undefined) {
    out = applyEdits(out, insertProperty(out, [serversKey, name], fields, formattingOptions));
  } else {
    for (const [key, value] of Object.entries(fields))
      if (JSON.stringify(existing[key]) !== JSON.stringify(value))
        out = applyEdits(out, modify(out, [serversKey, name, key], value, { formattingOptions }));
  }
  return out.endsWith('\n') ? out : `${out}\n`;
}

/** The server entry under `serversKey.name`, or undefined (also for a file that does not parse). */
export function getJsonServer(text: string, serversKey: string, name: string): Record<string, unknown> | undefined {
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true });
  if (!isObject(root)) return undefined;
  const servers = root[serversKey];
  const entry = isObject(servers) ? servers[name] : undefined;
  return isObject(entry) ? entry : undefined;
}

/**
 * jsonc-parser formats an insertion together with the property before it (a one-line sibling
 * comes out spread over several lines): insert after the last sibling instead, laid out at its
 * indentation.
 */
function insertProperty(
  text: string,
  jsonPath: string[],
  value: unknown,
  formattingOptions: ReturnType<typeof detectIndent>,
): Edit[] {
  const formatted = modify(text, jsonPath, value, { formattingOptions });
  const [bare] = modify(text, jsonPath, value, {});
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const parent = tree ? findNodeAtLocation(tree, jsonPath.slice(0, -1)) : undefined;
  const last = parent?.children?.at(-1);
  if (!bare || bare.length !== 0 || !bare.content.startsWith(',') || !parent || !last) return formatted;
  // An object written on one line has no sibling indentation to follow.
  if (!text.slice(parent.offset, last.offset).includes('\n')) return formatted;
  const lineStart = text.lastIndexOf('\n', last.offset) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const unit = formattingOptions.insertSpaces ? ' '.repeat(formattingOptions.tabSize) : '\t';
  const { eol } = formattingOptions;
  const body = JSON.stringify(value, null, unit).split('\n').join(`${eol}${indent}`);
  return [{ offset: bare.offset, length: 0, content: `,${eol}${indent}${JSON.stringify(jsonPath.at(-1))}: ${body}` }];
}

function parseJsonConfig(text: string, file: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}:${line}:${column}: not valid JSON (${printParseErrorCode(first.error)})`,
      `fix ${file} (it must be a JSON object), then run ct setup again; nothing was written`,
    );
  }
  if (!isObject(root))
    throw new InvalidInputError(
      'host-config-invalid',
      `${file}: the file holds ${describe(root)}, expected a JSON object`,
      `fix ${file}, then run ct setup again; nothing was written`,
    );
  return root;
}

function detectIndent(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? Math.min(indented.length, 8) : 2, eol };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
