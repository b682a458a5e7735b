/** A fenced code block: its opening fence (``` or ~~~, 3 or more), info string, content, closing fence. */
const FENCED = /^[ \t]*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm;

/** The contents of a markdown text's fenced code blocks, one after another. */
export function codeBlocks(markdown: string): string {
  return [...markdown.matchAll(FENCED)].map((m) => m[2] ?? '').join('\n');
}

/**
 * The natural language inside code: docstrings ("""...""", '''...'''), block comments and line
 * comments (#, //, --). A line comment needs a space or line start before it, so `a#b` and
 * `http://x` are not comments.
 */
const COMMENT = /"""([\s\S]*?)"""|'''([\s\S]*?)'''|\/\*([\s\S]*?)\*\/|(?:^|[ \t])(?:#|\/\/|--)[ \t]([^\n]*)/gm;

export function codeComments(code: string): string {
  return [...code.matchAll(COMMENT)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim()).join('\n');
}

/** A markdown text without its fenced code blocks: the prose around them. */
export function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(FENCED, '\n');
}

/** Code with its docstrings and comments removed (the complement of codeComments). */
export function stripCodeComments(code: string): string {
  return code.replace(COMMENT, (match, _d, _s, _b, line) =>
    line === undefined ? ' ' : match.slice(0, match.search(/#|\/\/|--/)),
  );
}
