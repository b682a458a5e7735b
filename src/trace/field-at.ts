/**
 * Where line `line` (1-based) of a store file belongs, for messages about a file that may exist
 * nowhere yet: in a trace, its frontmatter field or its `## Section` (lower-cased); in a YAML file
 * (a vote, a flag, ct.yml), its top-level key. Undefined when the line belongs to none.
 */
export function fieldAt(file: string, text: string, line: number): string | undefined {
  const lines = text.split('\n').slice(0, line);
  if (/\.ya?ml$/.test(file)) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const key = /^([A-Za-z_][\w-]*):/.exec(lines[i] as string)?.[1];
      if (key) return key;
    }
    return undefined;
  }
  let inFrontmatter = false;
  let inFence = false;
  let field: string | undefined;
  for (const [i, l] of lines.entries()) {
    if (i === 0 && l === '---') inFrontmatter = true;
    else if (inFrontmatter && l === '---') [inFrontmatter, field] = [false, undefined];
    else if (inFrontmatter) field = /^([a-z_]+):/.exec(l)?.[1] ?? field;
    else if (/^\s*(```|~~~)/.test(l)) inFence = !inFence;
    else if (!inFence) field = /^## +(.+?)\s*$/.exec(l)?.[1]?.toLowerCase() ?? field;
  }
  return field;
}
