import type { SecretMatch } from './secret-match.js';

/**
 * Credential formats that neither secretlint's recommended preset nor gitleaks' default rules
 * catch on their own, or catch only with context that prose lacks (gitleaks wants "mailchimp"
 * next to a Mailchimp key, and knows only the older OpenAI format). Each is specific enough not to
 * flag ordinary code. The secret is the whole match, or the group named `secret`.
 */
const PATTERNS: { kind: string; description: string; pattern: RegExp }[] = [
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
    pattern: /\bsk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-|admin\d\d-)?)?[A-Za-z0-9_-]{32,}/g,
  },
  {
    kind: 'jwt',
    description: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
  },
  { kind: 'huggingface-token', description: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'mailchimp-api-key', description: 'Mailchimp API key', pattern: /\b[0-9a-f]{32}-us\d{1,2}\b/g },
  {
    kind: 'azure-storage-key',
    description: 'Azure storage account key or SAS signature',
    pattern: /\b(?:AccountKey|SharedAccessKey)=(?<secret>[A-Za-z0-9+/]{40,}={0,2})/dg,
  },
  { kind: 'google-oauth-secret', description: 'Google OAuth client secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g },
  {
    kind: 'url-password',
    description: 'password in a connection string or URL',
    // user:password@host where the password is not a placeholder (${VAR}, <password>, ***, ...)
    pattern:
      /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]*:(?<secret>(?!\$\{?\w|<|\*+@|x+@|\.\.\.@|%[A-Z_]+%@)[^\s@/'"`]{3,})@[\w.-]+/dgi,
  },
];

export function scanProviderPatterns(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  for (const { kind, description, pattern } of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const [start, end] = m.indices?.groups?.secret ?? [m.index as number, (m.index as number) + m[0].length];
      found.push({ kind, description, start, end });
    }
  }
  return found;
}
