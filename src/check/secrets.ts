import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';

/** One credential found in text. `preview` never holds the secret in full. */
export interface SecretFinding {
  /** Which detector fired, e.g. secretlint's github rule or `stripe-key`. */
  kind: string;
  line: number;
  column: number;
  preview: string;
  description: string;
}

/**
 * Provider key formats the recommended secretlint preset does not cover, or covers only with
 * surrounding context (a bare AWS access key id in prose). Each is specific enough to avoid
 * flagging ordinary code.
 */
const EXTRA_DETECTORS: { kind: string; description: string; pattern: RegExp }[] = [
  { kind: 'aws-access-key-id', description: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  {
    kind: 'stripe-key',
    description: 'Stripe secret or restricted key',
    pattern: /\b(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{16,}\b/g,
  },
  {
    kind: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret',
    pattern: /\bwhsec_[0-9a-zA-Z]{20,}\b/g,
  },
  {
    kind: 'openai-key',
    description: 'OpenAI or Anthropic API key',
    pattern: /\bsk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{32,}/g,
  },
  { kind: 'google-api-key', description: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    kind: 'jwt',
    description: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
  },
  { kind: 'huggingface-token', description: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  {
    kind: 'url-password',
    description: 'password in a connection string or URL',
    // user:password@host where the password is not a placeholder (${VAR}, <password>, ***, ...)
    pattern:
      /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]*:(?!\$\{?\w|<|\*+@|x+@|\.\.\.@|%[A-Z_]+%@|password@|pass@|secret@|changeme@)[^\s@/'"`]{3,}@[\w.-]+/gi,
  },
];

const secretlintConfig = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };

/** Scans text for secrets with secretlint's recommended preset and {@link EXTRA_DETECTORS}. */
export async function scanSecrets(content: string, filePath = 'trace.md'): Promise<SecretFinding[]> {
  const lineStarts = [0];
  for (let i = 0; i < content.length; i++) if (content[i] === '\n') lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };

  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (kind: string, description: string, start: number, end: number) => {
    const key = `${start}:${end}`;
    if ([...seen].some((k) => overlaps(k, start, end))) return;
    seen.add(key);
    findings.push({ kind, description, ...position(start), preview: maskSecret(content.slice(start, end)) });
  };

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
    add(message.ruleId.replace('@secretlint/secretlint-rule-', ''), description, start, end);
  }
  for (const detector of EXTRA_DETECTORS) {
    for (const match of content.matchAll(detector.pattern))
      add(detector.kind, detector.description, match.index, match.index + match[0].length);
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `scheme://user:<password>@host`, `${DB_PASSWORD}`, `$PASS`, `***`: documentation, not secrets. */
function isPlaceholderCredential(match: string): boolean {
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]*)@/i.exec(match)?.[1];
  return (
    password !== undefined && /^(?:<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\*+|x+|\.\.\.|%[A-Z_]+%)$/i.test(password)
  );
}

function overlaps(key: string, start: number, end: number): boolean {
  const [s, e] = key.split(':').map(Number) as [number, number];
  return start < e && s < end;
}

/** Shows enough of a secret to find it, never enough to use it: `ghp_wW…(40 chars)`. */
export function maskSecret(secret: string): string {
  const firstLine = secret.split('\n')[0] ?? '';
  const keep = Math.min(6, Math.floor(firstLine.length / 4));
  return `${firstLine.slice(0, keep)}…(${secret.length} chars)`;
}
