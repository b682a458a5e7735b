import { CtError, ExitCode, InvalidInputError } from '../errors.js';
import type { Store } from '../store/store.js';
import { fieldAt } from '../trace/field-at.js';
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
    const where = (p: Problem) => {
      const field = p.field ?? (text && p.line ? fieldAt(p.file, text, p.line) : undefined);
      return `line ${p.line}${field ? ` (${field})` : ''}`;
    };
    throw new CtError(
      'secret-found',
      `secrets found, nothing was committed: ${secrets.map((p) => `${where(p)}: ${p.message}`).join('; ')}`,
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
