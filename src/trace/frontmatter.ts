import matter from 'gray-matter';
import { parseDocument } from 'yaml';

/** Limits that keep a hostile trace from costing time or memory before it is rejected. */
export const MAX_TRACE_BYTES = 256 * 1024;
export const MAX_FRONTMATTER_BYTES = 16 * 1024;
export const MAX_FRONTMATTER_DEPTH = 8;

export class FrontmatterError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly hint: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const refuseEngine = (name: string) => ({
  parse: (): never => {
    throw new FrontmatterError(
      'trace/frontmatter-engine',
      `frontmatter language "${name}" is not allowed`,
      'start the file with a line of exactly "---" followed by YAML; code-executing frontmatter is refused',
      1,
    );
  },
});

/**
 * Loads YAML without executing or constructing anything: the core schema (strings, numbers,
 * booleans, null, maps, lists), unique keys, and a cap on aliases against "billion laughs".
 */
export function parseYamlSafely(source: string): unknown {
  if (source.length > MAX_FRONTMATTER_BYTES) {
    throw new FrontmatterError(
      'trace/frontmatter-too-large',
      `frontmatter is ${source.length} bytes; at most ${MAX_FRONTMATTER_BYTES} are allowed`,
      'keep the frontmatter to the documented fields; the content belongs in the body',
      1,
    );
  }
  const depth = flowDepth(source);
  if (depth > MAX_FRONTMATTER_DEPTH) {
    throw new FrontmatterError(
      'trace/frontmatter-too-deep',
      `frontmatter nests ${depth} levels deep; at most ${MAX_FRONTMATTER_DEPTH} are allowed`,
      'use the flat fields of the trace format',
      1,
    );
  }
  const doc = parseDocument(source, { schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new FrontmatterError(
      'trace/frontmatter-yaml',
      `frontmatter is not valid YAML: ${problem.message.split('\n')[0]}`,
      'fix the YAML syntax; quote values that contain ": " or start with special characters',
      line === undefined ? undefined : line + 1,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand past the cap ("billion laughs").
    throw new FrontmatterError(
      'trace/frontmatter-yaml',
      `frontmatter is not acceptable YAML: ${(e as Error).message}`,
      'do not use YAML anchors and aliases in a trace',
      1,
    );
  }
  if (valueDepth(value) > MAX_FRONTMATTER_DEPTH) {
    throw new FrontmatterError(
      'trace/frontmatter-too-deep',
      `frontmatter nests more than ${MAX_FRONTMATTER_DEPTH} levels deep`,
      'use the flat fields of the trace format',
      1,
    );
  }
  return value;
}

/** Nesting by brackets and indentation, counted on the raw text before any parser sees it. */
function flowDepth(source: string): number {
  let max = 0;
  let depth = 0;
  for (const ch of source) {
    if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  for (const line of source.split('\n')) {
    const indent = /^( *)(- )*/.exec(line)?.[0].length ?? 0;
    max = Math.max(max, Math.floor(indent / 2));
  }
  return max;
}

function valueDepth(value: unknown, depth = 0): number {
  if (depth > MAX_FRONTMATTER_DEPTH + 1) return depth;
  if (value !== null && typeof value === 'object') {
    let max = depth + 1;
    for (const child of Object.values(value as Record<string, unknown>))
      max = Math.max(max, valueDepth(child, depth + 1));
    return max;
  }
  return depth;
}

export interface SplitFrontmatter {
  data: unknown;
  /** The YAML source between the delimiters. */
  source: string;
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
}

/**
 * Splits a trace file into frontmatter and body with gray-matter, its code-executing engines
 * (`---js`, `---coffee`) replaced by refusals and YAML loaded by {@link parseYamlSafely}.
 */
export function splitFrontmatter(text: string): SplitFrontmatter {
  if (Buffer.byteLength(text, 'utf8') > MAX_TRACE_BYTES) {
    throw new FrontmatterError(
      'trace/too-large',
      `the file is larger than ${MAX_TRACE_BYTES / 1024} KiB`,
      'a trace is one problem and its solution: shorten it or link to longer material',
      1,
    );
  }
  const firstLine = text
    .slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'))
    .replace(/\r$/, '')
    .replace(/^\uFEFF/, '');
  if (firstLine !== '---') {
    throw new FrontmatterError(
      /^---\S/.test(firstLine) ? 'trace/frontmatter-engine' : 'trace/missing-frontmatter',
      /^---\S/.test(firstLine)
        ? `frontmatter language "${firstLine.slice(3)}" is not allowed`
        : 'the file does not start with a "---" frontmatter block',
      'start the file with a line "---", the YAML fields (id, title, tags, created), and a closing "---"',
      1,
    );
  }
  const closing = /\r?\n---[ \t]*(\r?\n|$)/.exec(text.slice(3));
  if (!closing)
    throw new FrontmatterError(
      'trace/missing-frontmatter',
      'the frontmatter block is not closed by a "---" line',
      'add a line "---" after the YAML fields',
      1,
    );
  const parsed = matter(text, {
    language: 'yaml',
    engines: {
      yaml: { parse: (src: string) => parseYamlSafely(src) as object, stringify: () => '' },
      javascript: refuseEngine('javascript'),
      js: refuseEngine('js'),
      coffee: refuseEngine('coffee'),
      coffeescript: refuseEngine('coffeescript'),
      cson: refuseEngine('cson'),
      json: refuseEngine('json'),
      toml: refuseEngine('toml'),
    },
  } as unknown as Parameters<typeof matter>[1]);
  const source = parsed.matter.replace(/^\r?\n/, '');
  const headerLines = text.slice(0, 3 + closing.index + closing[0].length).split('\n').length - (closing[1] ? 1 : 0);
  return { data: parsed.data ?? {}, source, body: parsed.content, bodyLine: headerLines + 1 };
}
