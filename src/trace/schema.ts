import { z } from 'zod';

/**
 * The trace format (DESIGN.md, "A trace file"): the single source of truth for the TypeScript
 * types, `ct check`, the MCP tools' schemas and `--json` output.
 */

/** Crockford base32 ULID: 26 chars, first char 0-7 (48-bit timestamp). */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const TAG_PATTERN = /^[a-z0-9][a-z0-9+#.-]*$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const TITLE_MIN = 10;
export const TITLE_MAX = 120;
export const TAGS_MIN = 1;
export const TAGS_MAX = 10;
export const TAG_MAX_LENGTH = 40;

export const TRACE_STATUSES = ['active', 'deprecated'] as const;
export const REQUIRED_SECTIONS = ['Context', 'Solution'] as const;
export const OPTIONAL_SECTIONS = ['Verification', 'Notes'] as const;
export const KNOWN_SECTIONS: readonly string[] = [...REQUIRED_SECTIONS, ...OPTIONAL_SECTIONS];

function isRealDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const TraceIdSchema = z
  .string()
  .regex(
    ULID_PATTERN,
    'must be a ULID: 26 characters of Crockford base32 (0-9, A-Z without I, L, O, U), e.g. 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
  )
  .describe('The trace id: a ULID, stable across renames and unique in the store.');

export const TagSchema = z
  .string()
  .max(TAG_MAX_LENGTH, `a tag has at most ${TAG_MAX_LENGTH} characters`)
  .regex(
    TAG_PATTERN,
    'a tag is lowercase letters, digits and + # . - (starting with a letter or digit), e.g. docker-compose',
  )
  .describe('A normalised tag: lowercase, [a-z0-9][a-z0-9+#.-]*.');

export const DateSchema = z
  .string()
  .refine(isRealDate, 'must be a date written YYYY-MM-DD, e.g. 2026-11-21')
  .describe('A calendar date, YYYY-MM-DD.');

export const TitleSchema = z
  .string()
  .trim()
  .min(TITLE_MIN, `a title has at least ${TITLE_MIN} characters: name the tool and the symptom`)
  .max(TITLE_MAX, `a title has at most ${TITLE_MAX} characters`)
  .refine((t) => !/[\r\n]/.test(t), 'a title is a single line')
  .describe('A specific, searchable title naming the tool and the symptom or task.');

export const AgentSchema = z
  .object({
    model: z.string().min(1).max(100).optional().describe('The model that produced the trace, e.g. claude-opus-4-6.'),
    version: z.string().min(1).max(100).optional().describe('The agent or tool version, e.g. claude-code 2.1.0.'),
  })
  .strict()
  .describe('Optional: what produced the trace.');

export const AppliesToSchema = z
  .record(
    z.string().min(1).max(60).describe('A tool, language or library name, e.g. postgres.'),
    z.string().min(1).max(60).describe('A version range, e.g. ">=14".'),
  )
  .describe('Optional: the versions the solution was verified with, e.g. { postgres: ">=14" }.');

export const TraceStatusSchema = z.enum(TRACE_STATUSES).describe('active, or deprecated (set by reviewers in a PR).');

/** Frontmatter as written in a trace file. Unknown keys are reported by `ct check` as warnings. */
export const TraceFrontmatterSchema = z.object({
  id: TraceIdSchema,
  title: TitleSchema,
  tags: z
    .array(TagSchema)
    .min(TAGS_MIN, `at least ${TAGS_MIN} tag`)
    .max(TAGS_MAX, `at most ${TAGS_MAX} tags`)
    .describe('1-10 tags; the first one names the folder under traces/.'),
  created: DateSchema.describe('The day the trace was written, YYYY-MM-DD.'),
  agent: AgentSchema.optional(),
  applies_to: AppliesToSchema.optional(),
  supersedes: z.array(TraceIdSchema).max(20).optional().describe('Optional: ids of traces this one replaces.'),
  status: TraceStatusSchema.default('active'),
  review_after: DateSchema.optional().describe('Optional: after this date the trace is shown as possibly stale.'),
});

export const FRONTMATTER_KEYS: readonly string[] = Object.keys(TraceFrontmatterSchema.shape);

export type TraceFrontmatter = z.infer<typeof TraceFrontmatterSchema>;

export const TraceSectionsSchema = z.object({
  context: z.string().describe('The concrete problem, with the error message an agent would see.'),
  solution: z.string().describe('What worked, with runnable code, and why.'),
  verification: z.string().optional().describe('How the solution was verified.'),
  notes: z.string().optional().describe('Pitfalls, alternatives, version differences.'),
});

export type TraceSections = z.infer<typeof TraceSectionsSchema>;

/** A parsed trace: frontmatter, the raw markdown body and its sections. */
export const TraceSchema = TraceFrontmatterSchema.extend({
  path: z.string().describe('Path of the trace file relative to the store root.'),
  body: z.string().describe('The markdown body after the frontmatter.'),
  sections: TraceSectionsSchema,
});

export type Trace = z.infer<typeof TraceSchema>;
