import type { AllowEntry } from '../store/allow-entry.js';
/**
 * What the secret scanner lets through: placeholders, and credentials that vendors publish in
 * their own documentation as examples (they grant nothing, and traces quote the docs). A store
 * adds its own entries in ct.yml under `policy.secrets.allow` (see {@link parseAllowEntry}).
 */

/**
 * Documented example values, each with where it is published. Matched exactly against the
 * secret a detector found (or the secret contains it, for the AWS convention of an EXAMPLE suffix).
 */
export const KNOWN_EXAMPLES: readonly { value: string; source: string }[] = [
  { value: ['AKIA', 'IOSFODNN7EXAMPLE'].join(''), source: 'AWS documentation: example access key id' },
  {
    value: ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCYEXAMPLEKEY'].join(''),
    source: 'AWS documentation: example secret access key',
  },
  { value: ['sk_test_', '4eC39HqLyjWDarjtT1zdp7dc'].join(''), source: 'Stripe API reference: test secret key' },
  { value: ['sk_test_', 'BQokikJOvBiI2HlWgH4olfQ2'].join(''), source: 'Stripe documentation: test secret key' },
  { value: ['pk_test_', 'TYooMQauvdEDq54NiTphI7jx'].join(''), source: 'Stripe documentation: test publishable key' },
  {
    value: [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
      'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ].join('.'),
    source: "jwt.io's sample token (HS256, secret your-256-bit-secret)",
  },
  { value: ['dGhlIHNhbXBsZSBub25jZQ', '=='].join(''), source: 'RFC 6455: sample Sec-WebSocket-Key' },
  { value: ['s3pPLMBiTxaQ9kYGzzhZRbK', '+xOo='].join(''), source: 'RFC 6455: sample Sec-WebSocket-Accept' },
  { value: ['xoxb-', '17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy'].join(''), source: 'Slack API docs' },
  { value: ['ghp_', '16C7e42F292c6912E7710c838347Ae178B4a'].join(''), source: 'GitHub documentation example' },
  {
    value: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu', 'Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='].join(''),
    source: 'Azure Storage emulator (Azurite) well-known account key',
  },
];

const EXAMPLE_SET = new Set(KNOWN_EXAMPLES.map((e) => e.value));

/** Words that mark a value as documentation rather than a credential. */
const PLACEHOLDER_WORDS =
  /^(?:changeme|change[_-]?me|password|pass|passwd|pwd|pw|passw0rd|p@ssw0rd|secret|s3cr3t|mysecret|mysecretpassword|supersecret|token|apikey|api[_-]?key|example|sample|dummy|fake|placeholder|redacted|removed|hidden|test|testing|none|null|nil|undefined|true|false|empty|todo|tbd|admin|root|postgres|guest|user|username|letmein|hunter2|qwerty|foobar|foo|bar|baz)$/i;

/**
 * A placeholder that documentation writes where a credential goes: `${DB_PASSWORD}`, `$TOKEN`,
 * `<password>`, `{{ token }}`, `%API_KEY%`, `your-api-key`, `changeme`, `xxxx`, `***`, `...`,
 * or a value spelled as an example (`EXAMPLE`, `dummy-token-123`).
 */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  // `[:password]`, `(token)`: optional-argument syntax around a placeholder word.
  const bare = v.replace(/^[[({:]+|[\])}]+$/g, '');
  return (
    v.length === 0 ||
    /^\$[({\w]/.test(v) ||
    /^\$\{?[\w.:-]*\}?$/.test(v) ||
    /^\$\{\{.*\}\}$/.test(v) ||
    /^\$\(.*\)$/.test(v) ||
    /^<[^<>]*>$/.test(v) ||
    /^\{\{.*\}\}$/.test(v) ||
    /^\{[\w.-]*\}$/.test(v) ||
    /^%[\w.-]+%$/.test(v) ||
    /^\[[\w .-]*\]$/.test(v) ||
    /^[x*.•#-]+$/i.test(v) ||
    /(?:^|[^a-z])(?:x{4,}|X{4,})/.test(v) ||
    /\*{3,}/.test(v) ||
    /^(?:your|my|the|some|insert|enter|replace)[_-]?[\w-]*$/i.test(v) ||
    /(?:^|[_-])(?:here|goes[_-]here)$/i.test(v) ||
    /example|placeholder|dummy|redacted|changeme|sample/i.test(v) ||
    PLACEHOLDER_WORDS.test(bare)
  );
}

/** A documented example value, or a placeholder: the secret passes. */
export function isKnownExample(secret: string): boolean {
  return EXAMPLE_SET.has(secret) || /EXAMPLE(?:KEY)?$/.test(secret);
}

/**
 * True when a store entry allows a finding: a literal equal to the secret or containing it (a
 * whole connection string allows the password in it); a regex matching the secret or its line.
 */
export function isAllowedByStore(entries: readonly AllowEntry[], secret: string, line: string): boolean {
  return entries.some((e) =>
    'literal' in e ? e.literal.includes(secret) : e.regex.test(secret) || e.regex.test(line),
  );
}
