import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TraceIdSchema } from '../trace/schema.js';

/** The key a voter's files are named by: a short hash of the lower-cased git author email. */
export function voterKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);
}

export const VOTER_KEY_PATTERN = /^[0-9a-f]{16}$/;

const TimestampSchema = z
  .string()
  .refine(
    (s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}/.test(s),
    'must be an ISO 8601 date or time, e.g. 2026-11-21T10:00:00Z',
  )
  .describe('When the vote or flag was cast (ISO 8601).');

/** `votes/<trace-id>/<voter>.yml` */
export const VoteFileSchema = z
  .object({
    vote: z.enum(['up', 'down']).describe('up when the trace helped, down when it was wrong or misleading.'),
    reason: z.string().max(500).optional().describe('Why; expected with a down-vote.'),
    at: TimestampSchema,
  })
  .strict();
export type VoteFile = z.infer<typeof VoteFileSchema>;

export const FLAG_REASONS = ['wrong', 'outdated', 'unsafe', 'duplicate', 'spam'] as const;

/** `flags/<trace-id>/<voter>.yml` */
export const FlagFileSchema = z
  .object({
    reason: z.enum(FLAG_REASONS).describe('Why the trace should be reviewed.'),
    note: z.string().max(1000).optional().describe('Details for the reviewers.'),
    duplicate_of: TraceIdSchema.optional().describe('With reason duplicate: the trace this one duplicates.'),
    at: TimestampSchema,
  })
  .strict();
export type FlagFile = z.infer<typeof FlagFileSchema>;
