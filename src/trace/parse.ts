import type { z } from 'zod';
import { FrontmatterError, splitFrontmatter } from './frontmatter.js';
import type { Problem } from './problem.js';
import { FRONTMATTER_KEYS, KNOWN_SECTIONS, REQUIRED_SECTIONS, type Trace, TraceFrontmatterSchema } from './schema.js';
import { splitSections } from './sections.js';

export interface ParsedTrace {
  /** Present when the file has no errors (warnings may remain). */
  trace?: Trace;
  /** The frontmatter as loaded, even when invalid (for reporting and repairs). */
  data?: Record<string, unknown>;
  problems: Problem[];
}

/**
 * Parses and validates one trace file's text. Never throws for bad content: every problem is
 * returned with its rule id, line and hint, so `ct check` can report them all in one run.
 */
export function parseTrace(text: string, file: string): ParsedTrace {
  const problems: Problem[] = [];
  const error = (rule: string, message: string, hint?: string, line?: number, field?: string) =>
    problems.push({
      file,
      rule,
      severity: 'error',
      message,
      ...(hint ? { hint } : {}),
      ...(line ? { line } : {}),
      ...(field ? { field } : {}),
    });

  let split;
  try {
    split = splitFrontmatter(text);
  } catch (e) {
    if (e instanceof FrontmatterError) {
      error(e.rule, e.message, e.hint, e.line);
      return { problems };
    }
    throw e;
  }
  if (split.data === null || typeof split.data !== 'object' || Array.isArray(split.data)) {
    error(
      'trace/frontmatter-yaml',
      'frontmatter must be a YAML mapping of fields',
      'write fields as "key: value" lines: id, title, tags, created',
      2,
    );
    return { problems };
  }
  const data = split.data as Record<string, unknown>;
  const lineOf = (field: string): number | undefined => {
    const index = split.source.split('\n').findIndex((l) => l.startsWith(`${field}:`));
    return index === -1 ? undefined : index + 2;
  };

  for (const key of Object.keys(data)) {
    if (!FRONTMATTER_KEYS.includes(key)) {
      problems.push({
        file,
        rule: 'trace/unknown-field',
        severity: 'warning',
        message: `unknown frontmatter field "${key}"`,
        hint: `known fields: ${FRONTMATTER_KEYS.join(', ')}; trust and votes are derived, never stored`,
        line: lineOf(key),
        field: key,
      });
    }
  }

  const result = TraceFrontmatterSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) reportIssue(issue, data, lineOf, error);
  }

  const { sections } = splitSections(split.body);
  const byName = new Map<string, (typeof sections)[number]>();
  for (const section of sections) {
    const line = split.bodyLine + section.line - 1;
    if (!KNOWN_SECTIONS.includes(section.heading)) {
      problems.push({
        file,
        line,
        rule: 'trace/unknown-section',
        severity: 'warning',
        message: `unknown section "## ${section.heading}"`,
        hint: `the sections are ${KNOWN_SECTIONS.map((s) => `## ${s}`).join(', ')}; use ### for sub-headings`,
      });
      continue;
    }
    if (byName.has(section.heading))
      error(
        'trace/duplicate-section',
        `section "## ${section.heading}" appears twice`,
        'merge the two sections into one',
        line,
      );
    byName.set(section.heading, section);
    if (section.content.length === 0)
      error(
        'trace/empty-section',
        `section "## ${section.heading}" is empty`,
        section.heading === 'Context'
          ? 'state the concrete problem and the error message an agent would see'
          : 'write what worked, with runnable code, and why',
        line,
      );
  }
  for (const required of REQUIRED_SECTIONS) {
    if (!byName.has(required)) {
      error(
        'trace/missing-section',
        `the body has no "## ${required}" section`,
        required === 'Context'
          ? 'add "## Context": the concrete problem with the error message an agent would see'
          : 'add "## Solution": what worked, with runnable code in fenced blocks, and why',
        split.bodyLine,
      );
    }
  }
  const context = byName.get('Context');
  const solution = byName.get('Solution');
  if (context && solution && context.line > solution.line) {
    error(
      'trace/section-order',
      '"## Context" must come before "## Solution"',
      'move the Context section above the Solution section',
      split.bodyLine + solution.line - 1,
    );
  }

  if (problems.some((p) => p.severity === 'error') || !result.success) return { data, problems };
  const trace: Trace = {
    ...result.data,
    path: file,
    body: split.body,
    sections: {
      context: context?.content ?? '',
      solution: solution?.content ?? '',
      ...(byName.get('Verification') ? { verification: byName.get('Verification')?.content } : {}),
      ...(byName.get('Notes') ? { notes: byName.get('Notes')?.content } : {}),
    },
  };
  return { trace, data, problems };
}

function reportIssue(
  issue: z.core.$ZodIssue,
  data: Record<string, unknown>,
  lineOf: (field: string) => number | undefined,
  error: (rule: string, message: string, hint?: string, line?: number, field?: string) => void,
): void {
  const field = issue.path.map(String).join('.') || '(frontmatter)';
  const top = String(issue.path[0] ?? '');
  const line = top ? lineOf(top) : 2;
  const received =
    top in data
      ? describe(
          issue.path.reduce<unknown>(
            (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
            data,
          ),
        )
      : undefined;
  if (issue.code === 'invalid_type' && received === undefined) {
    error(
      `trace/missing-field`,
      `required field "${field}" is missing`,
      FIELD_HINTS[top] ?? `add "${top}:" to the frontmatter`,
      line ?? 2,
      field,
    );
    return;
  }
  const rule = FIELD_RULES[top] ?? 'trace/invalid-field';
  const message = `field "${field}" ${issue.message.replace(/^Invalid input: /, '')}${received === undefined ? '' : ` (received ${received})`}`;
  error(rule, message, FIELD_HINTS[top], line, field);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const FIELD_RULES: Record<string, string> = {
  id: 'trace/invalid-id',
  title: 'trace/invalid-title',
  tags: 'trace/invalid-tags',
  created: 'trace/invalid-date',
  review_after: 'trace/invalid-date',
  status: 'trace/invalid-status',
};

const FIELD_HINTS: Record<string, string> = {
  id: 'use a new ULID, e.g. from `ct contribute` or `npx ulid`: 26 characters like 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
  title: 'a specific, searchable single line of 10-120 characters naming the tool and the symptom',
  tags: 'a list of 1-10 lowercase tags, e.g. tags: [docker-compose, postgresql]',
  created: 'the date the trace was written, e.g. created: 2026-11-21',
  review_after: 'a date, e.g. review_after: 2027-06-01',
  status: 'status is active or deprecated',
  agent: 'agent: { model: claude-opus-4-6 }',
  applies_to: 'a map of tool to version range, e.g. applies_to: { postgres: ">=14" }',
  supersedes: 'a list of trace ids (ULIDs)',
};
