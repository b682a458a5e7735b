import { randomEntropyFloor, shannonEntropy } from './entropy.js';
import { isPlaceholderValue } from './secret-allowlist.js';
import type { SecretMatch } from './secret-match.js';

/**
 * A value assigned to a secret-named key: `.env` lines (`DB_PASSWORD="..."`, `export TOKEN=...`),
 * YAML and INI (`password: ...`, `api_key = ...`), JSON (`"password": "..."`) and code
 * (`apiKey = '...'`, `secret => "..."`). The key decides how much evidence the value needs:
 * a password, secret or token needs a value that is not a placeholder, a word or a variable; a
 * bare `key` (sort keys, cache keys...) needs a value as random as a generated token.
 */
const ASSIGNMENT =
  /(?<![\w.-])["'`]?([A-Za-z_][\w.-]*)["'`]?[ \t]*(?::=|=>|\?=|[=:])[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`|([^\s"'`,;]+))/g;

/** Last words of a key that name a credential (after splitting on _ . - and camelCase). */
const STRONG_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
  'sas',
]);
/** `<word>_key` is a credential when the word is one of these. */
const KEY_QUALIFIERS = new Set([
  'api',
  'secret',
  'private',
  'access',
  'auth',
  'client',
  'signing',
  'encryption',
  'master',
  'account',
  'app',
  'license',
  'service',
  'session',
  'admin',
  'subscription',
]);

/** How strongly a key name says "credential": 2 strong, 1 a bare `key`, 0 not at all. */
export function keyStrength(key: string): 0 | 1 | 2 {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.\-\s]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  if (!last) return 0;
  if (STRONG_WORDS.has(last)) return 2;
  if (last === 'key') return KEY_QUALIFIERS.has(words[words.length - 2] ?? '') ? 2 : 1;
  return 0;
}

const classes = (v: string) => [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;

/** A value of a password, secret or token: literal, not a placeholder, and not a plain word. */
function looksLikeCredential(value: string, margin: number): boolean {
  if (value.length < 8 || value.length > 512) return false;
  if (classes(value) < 2) return false;
  // Letters only with one capital, or words with dashes or dots: identifiers and prose, not secrets.
  if (/^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/.test(value)) return false;
  return shannonEntropy(value) >= 3 + margin;
}

/** A value of a bare `key`: as random as a generated token of its length. */
function looksGenerated(value: string, margin: number): boolean {
  if (value.length < 16 || !/\d/.test(value) || !/[A-Za-z]/.test(value)) return false;
  const hex = /^[0-9a-fA-F]+$/.test(value);
  return shannonEntropy(value) >= (hex ? 3.3 : randomEntropyFloor(value.length)) + margin;
}

/** An unquoted value that is code rather than a literal: a variable, a call, a path, an expression. */
function isCodeReference(value: string): boolean {
  return (
    /[()[\]{}<>]/.test(value) ||
    /^[$%@&*!]/.test(value) ||
    /^[A-Za-z_][A-Za-z_]*$/.test(value) ||
    /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)
  );
}

/** `margin` shifts the entropy thresholds (test/bench/secrets.ts measures false positives with it). */
export function scanAssignments(text: string, margin = 0): SecretMatch[] {
  const found: SecretMatch[] = [];
  const assignment = new RegExp(ASSIGNMENT.source, 'g');
  for (let m = assignment.exec(text); m; m = assignment.exec(text)) {
    const key = m[1] as string;
    const strength = keyStrength(key);
    if (strength === 0) {
      // `Locally: DB_PASSWORD="..."`, `reason: "TOKEN=..."`: the value may hold an assignment itself.
      assignment.lastIndex = m.index + m[0].length - (m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').length - 1;
      assignment.lastIndex = Math.max(assignment.lastIndex, m.index + key.length);
      continue;
    }
    const quoted = m[2] ?? m[3] ?? m[4];
    const value = (quoted ?? m[5] ?? '').trim();
    if (!value || isPlaceholderValue(value)) continue;
    if (quoted === undefined && isCodeReference(value)) continue;
    if (strength === 2 ? !looksLikeCredential(value, margin) : !looksGenerated(value, margin)) continue;
    const start = (m.index as number) + m[0].lastIndexOf(value);
    found.push({
      kind: 'assignment',
      description: `a value assigned to "${key}" that looks like a real credential`,
      start,
      end: start + value.length,
    });
  }
  return found;
}
