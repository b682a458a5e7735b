import { z } from 'zod';
import type { PublishResult } from '../../forge/publish.js';

/** The `store` argument every write tool takes. */
export const storeArgument = {
  store: z
    .string()
    .optional()
    .describe(
      'The store to write to (default: for a vote, amendment or flag the store the trace is in; else the default store).',
    ),
};

/** Annotations of a write tool: it changes a store (never destroys) and reaches the network. */
export function writeAnnotations(title: string, idempotent: boolean) {
  return { title, readOnlyHint: false, destructiveHint: false, idempotentHint: idempotent, openWorldHint: true };
}

/** What happened to a write, for an agent: published, or kept locally and how it will be published. */
export function describePublish(publish: PublishResult | null, branch: string): string {
  if (!publish) return `Committed on local branch ${branch}; not published.`;
  if (publish.status === 'local') {
    const kept = `Nothing is lost: the commit is kept on local branch ${branch} and \`ct publish\` (or \`ct sync\`) will publish it.`;
    return `${publish.message}. ${kept} ${publish.hint ?? ''}`.trim();
  }
  return `${publish.message}${publish.url && !publish.message.includes(publish.url) ? ` (${publish.url})` : ''}`;
}
