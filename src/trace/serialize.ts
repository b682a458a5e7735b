import { stringify } from 'yaml';
import type { TraceFrontmatter, TraceSections } from './schema.js';

const FIELD_ORDER = [
  'id',
  'title',
  'tags',
  'created',
  'agent',
  'applies_to',
  'supersedes',
  'status',
  'review_after',
] as const;

/**
 * The canonical text of a trace file: frontmatter fields in the documented order (short maps and
 * lists in flow style, as people write them), then the sections.
 */
export function serializeTrace(frontmatter: TraceFrontmatter, sections: TraceSections): string {
  const lines: string[] = ['---'];
  for (const key of FIELD_ORDER) {
    const value = frontmatter[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0 && key === 'supersedes')) continue;
    const options = { flowCollectionPadding: true, lineWidth: 0 } as const;
    lines.push(
      typeof value === 'object'
        ? `${key}: ${stringify(value, { ...options, collectionStyle: 'flow' }).trimEnd()}`
        : stringify({ [key]: value }, options).trimEnd(),
    );
  }
  lines.push('---');
  const body = [`## Context\n${sections.context.trim()}`, `## Solution\n${sections.solution.trim()}`];
  if (sections.verification?.trim()) body.push(`## Verification\n${sections.verification.trim()}`);
  if (sections.notes?.trim()) body.push(`## Notes\n${sections.notes.trim()}`);
  return `${lines.join('\n')}\n${body.join('\n\n')}\n`;
}

/** A file name from a title: lowercase ASCII words joined by dashes, at most 60 characters. */
export function slugify(title: string): string {
  const words = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 60) break;
    slug = next;
  }
  return slug || (words[0] ?? 'trace').slice(0, 60);
}
