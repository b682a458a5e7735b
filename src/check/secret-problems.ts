import { type AllowEntry, parseAllowEntry } from '../store/allow-entry.js';
import type { StoreConfig } from '../store/config.js';
import { fieldAt } from '../trace/field-at.js';
import type { Problem } from '../trace/problem.js';
import { scanSecrets } from './secrets.js';

const parsedAllowLists = new WeakMap<readonly string[], AllowEntry[]>();

/** ct.yml `policy.secrets.allow`, parsed once per config (the schema has already refused bad entries). */
function allowEntries(config: StoreConfig): AllowEntry[] {
  const raw = config.policy.secrets.allow;
  let parsed = parsedAllowLists.get(raw);
  if (!parsed) {
    parsed = raw.map(parseAllowEntry).filter((e): e is AllowEntry => !('error' in e));
    parsedAllowLists.set(raw, parsed);
  }
  return parsed;
}

/**
 * The `secrets/detected` problems of one text of the store (a trace, a vote or flag file, ct.yml,
 * or a text bound for a commit message), under the store's allow-list. Each names the file, the
 * line, and the field or section the line belongs to (`field`, when the caller knows it better),
 * and shows the secret only masked.
 */
export async function findSecretProblems(
  file: string,
  text: string,
  config: StoreConfig,
  field?: string,
): Promise<Problem[]> {
  const findings = await scanSecrets(text, file, { allow: allowEntries(config) });
  return findings.map((secret) => {
    const where = field ?? fieldAt(file, text, secret.line);
    return {
      file,
      line: secret.line,
      ...(where ? { field: where } : {}),
      rule: 'secrets/detected',
      severity: 'error',
      message: `${secret.description} (${secret.kind}) at column ${secret.column}: ${secret.preview}`,
      hint: 'remove it and use a placeholder or an environment variable; if it was ever real, revoke and rotate it',
    };
  });
}
