import { monotonicFactory } from 'ulid';
import { seededRandom } from '../../src/eval/metrics.js';
import {
  TAG_PATTERN,
  TITLE_MAX,
  TITLE_MIN,
  type Trace,
  type TraceFrontmatter,
  type TraceSections,
} from '../../src/trace/schema.js';
import { serializeTrace, slugify } from '../../src/trace/serialize.js';
import type { CorpusDoc } from './eval-data.js';

/** One trace made from a tldr page: where it goes in a store, and its file text. */
export interface GeneratedTrace {
  file: string;
  text: string;
  trace: Trace;
}

const CREATED = '2026-11-22';
const CREATED_MS = Date.UTC(2026, 10, 22, 12);

/**
 * Trace files from tldr pages, `count` of them: the pages in order, then again as variants
 * (" (variant n)" in the title, the examples rotated) until there are enough. A tldr page is a
 * heading, a "> description" paragraph and examples: the description is the Context, the examples
 * the Solution. Most page titles are single commands ("am", "tar"), shorter than a trace title's
 * 10-character minimum, so the title is "<command>: <one-line description>". Ids are ULIDs from a
 * seeded generator, so two runs write the same store.
 */
export function* generateTldrTraces(pages: readonly CorpusDoc[], count: number, seed = 1): Generator<GeneratedTrace> {
  const nextId = monotonicFactory(seededRandom(seed));
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const page = pages[i % pages.length] as CorpusDoc;
    const variant = Math.floor(i / pages.length);
    const { description, examples } = splitPage(page.text);
    const rotated =
      examples.length > 1
        ? [...examples.slice(variant % examples.length), ...examples.slice(0, variant % examples.length)]
        : examples;
    const suffix = variant > 0 ? ` (variant ${variant + 1})` : '';
    const tags = page.tags.filter((t) => TAG_PATTERN.test(t)).slice(0, 10);
    const frontmatter: TraceFrontmatter = {
      id: nextId(CREATED_MS + i),
      title: makeTitle(page.title, description, suffix),
      tags: tags.length > 0 ? tags : ['cli'],
      created: CREATED,
      status: 'active',
    };
    const sections: TraceSections = {
      context: description || `The \`${page.title}\` command.`,
      solution: rotated.join('\n\n') || `\`${page.title}\``,
    };
    const text = serializeTrace(frontmatter, sections);
    const base = `traces/${frontmatter.tags[0]}/${slugify(frontmatter.title)}`;
    let file = `${base}.md`;
    for (let n = 2; taken.has(file); n++) file = `${base}-${n}.md`;
    taken.add(file);
    // The body as src/trace/frontmatter.ts splits it: everything after the closing "---" line.
    const body = text.slice(text.indexOf('\n---\n', 3) + '\n---\n'.length);
    yield {
      file,
      text,
      trace: {
        ...frontmatter,
        path: file,
        body,
        sections: { context: sections.context.trim(), solution: sections.solution.trim() },
      },
    };
  }
}

/** A tldr page without its "# name" heading: the first paragraph, and the examples. */
function splitPage(text: string): { description: string; examples: string[] } {
  const paragraphs = text
    .replace(/^# .*\n/, '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  // An example is a "- what it does:" paragraph and the command paragraph(s) after it.
  const examples: string[] = [];
  for (const p of paragraphs.slice(1)) {
    if (p.startsWith('- ') || examples.length === 0) examples.push(p);
    else examples[examples.length - 1] += `\n\n${p}`;
  }
  return { description: paragraphs[0] ?? '', examples };
}

function makeTitle(name: string, description: string, suffix: string): string {
  const summary = description
    .split('\n')
    .map((l) => l.replace(/^>\s*/, '').trim())
    .find((l) => l && !/^More information/i.test(l));
  let title = summary ? `${name}: ${summary}` : name;
  const room = TITLE_MAX - suffix.length;
  if (title.length > room) title = `${title.slice(0, room - 3).replace(/\s+\S*$/, '')}...`;
  title = title.replace(/[\r\n]+/g, ' ');
  if (title.length < TITLE_MIN) title = `${title} command`.padEnd(TITLE_MIN, '.');
  return `${title}${suffix}`;
}

/** Queries a person might type for tldr content: example descriptions ("Extract a tar archive"). */
export function tldrQueries(pages: readonly CorpusDoc[], count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let guard = 0; out.length < count && guard < count * 20; guard++) {
    const page = pages[Math.floor(random() * pages.length)] as CorpusDoc;
    const lines = page.text.split('\n').filter((l) => l.startsWith('- '));
    const line = lines[Math.floor(random() * lines.length)];
    if (!line) continue;
    // "- [c]reate an archive from {{path/to/file}}:" -> "create an archive from path/to/file"
    const query = line
      .slice(2)
      .replace(/[[\]]/g, '')
      .replace(/\{\{|\}\}/g, '')
      .replace(/:$/, '')
      .trim();
    if (query.length >= 8) out.push(query);
  }
  return out;
}
