import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { AllowEntry } from '../store/allow-entry.js';
import { scanGitleaks } from './gitleaks-scan.js';
import { scanHighEntropyTokens } from './high-entropy-tokens.js';
import { scanProviderPatterns } from './provider-patterns.js';
import { isAllowedByStore, isKnownExample, isPlaceholderValue } from './secret-allowlist.js';
import { scanAssignments } from './secret-assignments.js';
import type { SecretMatch } from './secret-match.js';

/** One credential found in text. `preview` never holds the secret in full. */
export interface SecretFinding {
  /** Which detector fired: a secretlint rule (`github`), a gitleaks rule (`gitlab-pat`), or ct's own. */
  kind: string;
  line: number;
  column: number;
  preview: string;
  description: string;
}

export interface ScanSecretsOptions {
  /** The store's own allow-list (ct.yml `policy.secrets.allow`), parsed. */
  allow?: readonly AllowEntry[];
}

const secretlintConfig = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };

/**
 * The one secret scanner of every write path and of `ct check`. Detectors, in order (a later
 * finding that overlaps an earlier one is dropped): secretlint's recommended preset; gitleaks'
 * default rules (data/gitleaks-rules.json); provider formats neither covers (provider-patterns);
 * values assigned to secret-named keys (secret-assignments); bare random-looking strings
 * (high-entropy-tokens). Placeholders, documented example values and the store's allow-list pass.
 */
export async function scanSecrets(
  content: string,
  filePath = 'trace.md',
  options: ScanSecretsOptions = {},
): Promise<SecretFinding[]> {
  const matches: SecretMatch[] = [];
  const result = await lintSource({
    source: { filePath, content, ext: filePath.slice(filePath.lastIndexOf('.')) || '.md', contentType: 'text' },
    options: { config: secretlintConfig, maskSecrets: true },
  });
  for (const message of result.messages) {
    const [start, end] = message.range;
    if (isPlaceholderCredential(content.slice(start, end))) continue;
    // secretlint's message quotes the secret in full after the colon: keep only its first part.
    const description =
      message.message
        .split(':')[0]
        ?.replace(/^found\s+/i, '')
        .trim() || message.ruleId;
    matches.push({ kind: message.ruleId.replace('@secretlint/secretlint-rule-', ''), description, start, end });
  }
  for (const m of scanGitleaks(content)) matches.push({ ...m, description: shortDescription(m.description) });
  matches.push(...scanProviderPatterns(content), ...scanAssignments(content), ...scanHighEntropyTokens(content));

  const lineStarts = [0];
  for (let i = 0; i < content.length; i++) if (content[i] === '\n') lineStarts.push(i + 1);
  const lineIndex = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  // A span already reported, or already allowed, is not looked at again by a later detector: the
  // parts of an allowed example JWT are not "random strings" either.
  const settled: SecretMatch[] = [];
  const findings: SecretFinding[] = [];
  for (const m of matches) {
    if (settled.some((k) => m.start < k.end && k.start < m.end)) continue;
    settled.push(m);
    const secret = content.slice(m.start, m.end);
    const index = lineIndex(m.start);
    const lineText = content.slice(lineStarts[index], lineStarts[index + 1] ?? content.length);
    // A URL's password was judged on its own (isPlaceholderCredential): example.com is no placeholder.
    const judged = secret.length > 200 || secret.includes('://');
    if (isKnownExample(secret) || (!judged && isPlaceholderValue(secret))) continue;
    if (options.allow && isAllowedByStore(options.allow, secret, lineText)) continue;
    findings.push({
      kind: m.kind,
      description: m.description,
      line: index + 1,
      column: m.start - (lineStarts[index] as number) + 1,
      preview: maskSecret(secret),
    });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** "Identified a GitLab Personal Access Token, risking ..." -> "GitLab Personal Access Token". */
function shortDescription(description: string): string {
  return (
    description
      .split(/,|\. /)[0]
      ?.replace(
        /^(?:identified|detected|found|discovered|uncovered|located|revealed|exposed|detection of|possible|potential)\s+(?:an?\s+)?(?:potential\s+|possible\s+|exposed\s+)?/i,
        '',
      )
      .replace(/\s+(?:detected|found|exposed)$/i, '')
      .trim() || description
  );
}

/** `scheme://user:<password>@host`, `${DB_PASSWORD}`, `$PASS`, `***`: documentation, not secrets. */
function isPlaceholderCredential(match: string): boolean {
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]*)@/i.exec(match)?.[1];
  return password !== undefined && isPlaceholderValue(password);
}

/** Shows enough of a secret to find it, never enough to use it: `ghp_wW…(40 chars)`. */
export function maskSecret(secret: string): string {
  const firstLine = secret.split('\n')[0] ?? '';
  const keep = Math.min(6, Math.floor(firstLine.length / 4));
  return `${firstLine.slice(0, keep)}…(${secret.length} chars)`;
}
