import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isCtError } from '../errors.js';
import { forgetFreshness } from '../index/ready.js';

/**
 * Runs a tool body and shapes its answer: structured content plus a compact text rendering, or
 * an `isError` result with the error's code and hint. Unexpected errors are logged to stderr (the
 * stack) and reported briefly; the server stays up.
 */
export async function toolResult<T extends Record<string, unknown>>(
  log: (m: string) => void,
  work: () => Promise<{ data: T; text: string }>,
  options: { writes?: boolean } = {},
): Promise<CallToolResult> {
  try {
    const { data, text } = await work();
    return { content: [{ type: 'text', text }], structuredContent: data };
  } catch (e) {
    if (isCtError(e)) {
      return {
        isError: true,
        content: [{ type: 'text', text: `Error (${e.code}): ${e.message}${e.hint ? `\nHint: ${e.hint}` : ''}` }],
      };
    }
    log(`unexpected error in a tool call: ${(e as Error).stack ?? String(e)}`);
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text: `Error (unexpected): ${(e as Error).message}\nHint: this is a bug in ct; the server log (stderr) has the details`,
        },
      ],
    };
  } finally {
    // A write tool may have changed a checkout: the next search checks before answering.
    if (options.writes) forgetFreshness();
  }
}
