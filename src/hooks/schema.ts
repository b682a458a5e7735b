import { z } from 'zod';

/**
 * The JSON Claude Code sends a command hook on stdin (hooks reference: common input fields plus
 * the event's own). Lenient on purpose: unknown fields pass, and a field a newer Claude Code
 * renames must degrade to "do nothing", never to an error in the user's session.
 */
export const HookInputSchema = z.looseObject({
  session_id: z.string().optional(),
  transcript_path: z.string().optional(),
  cwd: z.string().optional(),
  hook_event_name: z.string().optional(),
  permission_mode: z.string().optional(),
});

export const SessionStartInputSchema = HookInputSchema.extend({
  /** startup, resume, clear or compact. */
  source: z.string().optional(),
  model: z.string().optional(),
});
export type SessionStartInput = z.infer<typeof SessionStartInputSchema>;

export const StopInputSchema = HookInputSchema.extend({
  /** True when Claude is already continuing because a Stop hook blocked: never block again. */
  stop_hook_active: z.boolean().optional(),
  last_assistant_message: z.string().optional(),
});
export type StopInput = z.infer<typeof StopInputSchema>;

/** SessionStart output: text added to Claude's context. */
export const SessionStartOutputSchema = z.object({
  hookSpecificOutput: z.object({ hookEventName: z.literal('SessionStart'), additionalContext: z.string() }),
});
export type SessionStartOutput = z.infer<typeof SessionStartOutputSchema>;

/** Stop output: "block" keeps Claude going for one more turn, with `reason` as its prompt. */
export const StopOutputSchema = z.object({ decision: z.literal('block'), reason: z.string() });
export type StopOutput = z.infer<typeof StopOutputSchema>;
