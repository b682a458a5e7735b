import type { Problem } from '../check/problem.js';
import { CtError, ExitCode, InvalidInputError } from '../errors.js';
import type { Store } from '../store/store.js';

/**
 * The problems that stop a write: every error under the store's policy. Secrets raise their own
 * error (exit 9) listing where and what, never the secret itself; anything else is invalid input.
 */
export function blockingProblems(store: Store, problems: readonly Problem[]): Problem[] {
  const overrides = store.config.policy.rules;
  const blocking = problems.filter((p) => (overrides[p.rule] ?? p.severity) === 'error');
  const secrets = blocking.filter((p) => p.rule === 'secrets/detected');
  if (secrets.length > 0) {
    throw new CtError('secret-found', `secrets found, nothing was committed: ${secrets.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`, {
      hint: 'replace each with a placeholder or an environment variable (e.g. $API_KEY); if it was ever real, revoke and rotate it',
      exit: ExitCode.secretFound,
      data: { problems: secrets },
    });
  }
  if (blocking.length > 0) {
    throw new InvalidInputError('contribution-invalid', `the trace fails ct check: ${blocking.map((p) => `${p.rule}: ${p.message}`).join('; ')}`, blocking[0]?.hint ?? 'fix the trace and try again', { problems: blocking });
  }
  return blocking;
}
