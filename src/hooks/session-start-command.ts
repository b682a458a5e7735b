import { isHookEnabled } from './config.js';
import { debugHook, readHookInput, writeHookOutput } from './io.js';
import { SessionStartInputSchema } from './schema.js';

/**
 * The body of `ct hook session-start`, shared by the oclif command and the fast path
 * (src/cli/fast/main.ts): the hook JSON from stdin, the context on stdout, silent on any failure.
 */
export async function runSessionStartCommand(): Promise<void> {
  try {
    const input = await readHookInput(SessionStartInputSchema);
    if (!(await isHookEnabled('session-start')))
      return debugHook('session-start: turned off (CT_HOOKS or config.json)');
    // Loaded only when needed: the search stack (LanceDB, the embedder) is most of the start-up time.
    const { runSessionStartHook } = await import('./session-start.js');
    const result = await runSessionStartHook(input);
    if (result.silentBecause) debugHook(`session-start: silent: ${result.silentBecause}`);
    writeHookOutput(result.output);
    // Searches still running past the time limit must not hold the session: leave now.
    if (result.timedOut) process.exit(0);
  } catch (e) {
    // A hook must never fail the session: any error means no context.
    debugHook(`session-start: silent after an error: ${(e as Error).stack ?? String(e)}`);
  }
}
