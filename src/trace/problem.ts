import { z } from 'zod';

export const SeveritySchema = z
  .enum(['error', 'warning'])
  .describe('error fails `ct check`; warning is reported only.');
export type Severity = z.infer<typeof SeveritySchema>;

/** One finding of `ct check` (or of parsing): where, which rule, what, and what to do. */
export const ProblemSchema = z.object({
  file: z.string().describe('Path relative to the store root.'),
  line: z.number().int().positive().optional().describe('1-based line, where known.'),
  rule: z.string().describe('Stable rule id, e.g. trace/missing-section.'),
  severity: SeveritySchema,
  message: z.string().describe('What is wrong.'),
  hint: z.string().optional().describe('What to do about it.'),
  field: z.string().optional().describe('The frontmatter field, where the problem is in one.'),
});

export type Problem = z.infer<typeof ProblemSchema>;

export function compareProblems(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule);
}
