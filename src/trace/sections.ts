/** A level-2 heading of a trace body and the markdown under it. */
export interface Section {
  heading: string;
  /** 1-based line of the heading within the body. */
  line: number;
  content: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const H2 = /^ {0,3}##[ \t]+(.+?)[ \t]*#*[ \t]*$/;

/**
 * Splits a markdown body at its `## ` headings, ignoring anything inside fenced code blocks
 * (a `## ` line in a shell snippet is not a section).
 */
export function splitSections(body: string): { preamble: string; sections: Section[] } {
  const lines = body.split(/\r?\n/);
  const sections: Section[] = [];
  const preamble: string[] = [];
  let fence: string | undefined;
  let current: { heading: string; line: number; lines: string[] } | undefined;
  const flush = () => {
    if (current)
      sections.push({ heading: current.heading, line: current.line, content: current.lines.join('\n').trim() });
  };
  lines.forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1] as string;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    }
    const heading = fence === undefined && !fenceMatch ? H2.exec(line) : null;
    if (heading) {
      flush();
      current = { heading: (heading[1] as string).trim(), line: index + 1, lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  });
  flush();
  return { preamble: preamble.join('\n').trim(), sections };
}

/** Fenced code blocks of a markdown text, with their info string and 1-based start line. */
export interface CodeBlock {
  info: string;
  lang: string;
  code: string;
  line: number;
}

export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { marker: string; info: string; line: number; lines: string[] } | undefined;
  lines.forEach((line, index) => {
    if (!open) {
      const m = /^\s{0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (m) open = { marker: m[1] as string, info: (m[2] ?? '').trim(), line: index + 1, lines: [] };
      return;
    }
    const trimmed = line.trim();
    if (
      trimmed.startsWith(open.marker[0] as string) &&
      /^(`{3,}|~{3,})$/.test(trimmed) &&
      trimmed.length >= open.marker.length
    ) {
      blocks.push({
        info: open.info,
        lang: (open.info.split(/\s+/)[0] ?? '').toLowerCase(),
        code: open.lines.join('\n'),
        line: open.line,
      });
      open = undefined;
    } else open.lines.push(line);
  });
  return blocks;
}
