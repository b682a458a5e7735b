import { CtError, ExitCode, InvalidInputError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Problem } from '../trace/problem.js';

/**
 * The problems that stop a write: every error under the store's policy. Secrets raise their own
 * error (exit 9) listing where and what, never the secret itself; anything else is invalid input.
 * `text` is the trace the problems were found in: the file exists nowhere yet, so a line number
 * alone means nothing to the contributor, and each line is also named by its field or section.
 */
export function blockingProblems(store: Store, problems: readonly Problem[], text?: string): Problem[] {
  const overrides = store.config.policy.rules;
  const blocking = problems.filter((p) => (overrides[p.rule] ?? p.severity) === 'error');
  const secrets = blocking.filter((p) => p.rule === 'secrets/detected');
  if (secrets.length > 0) {
    const where = (line: number | undefined) => {
      const field = text && line ? fieldAt(text, line) : undefined;
      return `line ${line}${field ? ` (${field})` : ''}`;
    };
    throw new CtError(
      'secret-found',
      `secrets found, nothing was committed: ${secrets.map((p) => `${where(p.line)}: ${p.message}`).join('; ')}`,
      {
        hint:
          'replace each with a placeholder or an environment variable (e.g. $API_KEY); if it was ever ' +
          'real, revoke and rotate it',
        exit: ExitCode.secretFound,
        data: { problems: secrets },
      },
    );
  }
  if (blocking.length > 0) {
    throw new InvalidInputError(
      'contribution-invalid',
      `the trace fails ct check: ${blocking.map((p) => `${p.rule}: ${p.message}`).join('; ')}`,
      blocking[0]?.hint ?? 'fix the trace and try again',
      { problems: blocking },
    );
  }
  return blocking;
}

/** The frontmatter field or the `## Section` (lower-cased) that line `line` (1-based) of a trace belongs to. */
function fieldAt(text: string, line: number): string | undefined {
  let inFrontmatter = false;
  let inFence = false;
  let field: string | undefined;
  for (const [i, l] of text.split('\n').slice(0, line).entries()) {
    if (i === 0 && l === '---') inFrontmatter = true;
    else if (inFrontmatter && l === '---') [inFrontmatter, field] = [false, undefined];
    else if (inFrontmatter) field = /^([a-z_]+):/.exec(l)?.[1] ?? field;
    else if (/^\s*(```|~~~)/.test(l)) inFence = !inFence;
    else if (!inFence) field = /^## +(.+?)\s*$/.exec(l)?.[1]?.toLowerCase() ?? field;
  }
  return field;
}
