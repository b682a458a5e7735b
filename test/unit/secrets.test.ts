import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskSecret, scanSecrets } from '../../src/check/secrets.js';

// Secret-shaped strings are assembled at run time so this file itself never holds one.
const j = (...parts: string[]) => parts.join('');
const privateKey = crypto.generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

const POSITIVES: [string, string][] = [
  ['GitHub token', j('token = gh', 'p_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx')],
  ['private key', privateKey],
  ['AWS access key id in prose', j('the key AK', 'IA4HK2XWQ7RTZ5NB3M worked')],
  ['Stripe secret key', j('stripe.api_key = "sk_', 'live_51H8s9dLkjhgfdsaQWERTYuiop12345"')],
  ['Stripe webhook secret', j('WEBHOOK_SECRET=wh', 'sec_abcdefghijklmnopqrstuvwxyz123456')],
  ['OpenAI key', j('OPENAI_API_KEY=sk-', 'proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST1234567890')],
  ['Slack token', j('xo', 'xb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx')],
  ['npm token', j('//registry.npmjs.org/:_authToken=np', 'm_abcdefghijklmnopqrstuvwxyzABCDEF0123')],
  ['PostgreSQL URL with a password', j('DATABASE_URL=postgres://admin:hunter2', 'secret@db.internal:5432/app')],
  ['Redis URL with a password', j('redis://default:Xk29vLq', 'Pz8@cache.internal:6379/0')],
  ['basic auth URL', j('https://deploy:s3cret', 'pass@git.example.com/repo.git')],
  [
    'JWT',
    j(
      'Authorization: Bearer ey',
      'JhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ),
  ],
];

const NEGATIVES: [string, string][] = [
  ['environment variable', 'export GITHUB_TOKEN="$(gh auth token)"'],
  ['placeholder in a URL', 'postgresql://app:${DB_PASSWORD}@db:5432/app'],
  ['angle-bracket placeholder', 'postgresql://app:<password>@db:5432/app'],
  ['URL without credentials', 'https://github.com/org/repo.git'],
  ['python code reading a key', 'stripe.api_key = os.environ["STRIPE_SECRET_KEY"]'],
  ['hash that is not a key', 'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  // Placeholders, in every place a secret could stand.
  ['${VAR} in a .env line', 'DB_PASSWORD=${DB_PASSWORD}'],
  ['$VAR in a .env line', 'export GITHUB_TOKEN=$GH_TOKEN'],
  ['<password> in a .env line', 'PASSWORD=<password>'],
  ['your-api-key', 'api_key = "your-api-key"'],
  ['changeme', 'POSTGRES_PASSWORD=changeme'],
  ['xxxx in a provider format', j('GITHUB_TOKEN=gh', 'p_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')],
  ['***', 'password: ***'],
  ['... in JSON', '{"user": "admin", "password": "..."}'],
  ['{{ template }}', 'password: "{{ vault_db_password }}"'],
  ['GitHub Actions secret', 'token: ${{ secrets.NPM_TOKEN }}'],
  ['shell substitution', 'TOKEN="$(gcloud auth print-access-token)"'],
  ['optional password in a usage line', 'smb://user[:password]@host/share'],
  // Documented example values.
  [
    'AWS example key pair',
    j(
      'aws_access_key_id = AK',
      'IAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI',
      '/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ),
  ],
  ['Stripe documented test key', j('stripe.api_key = "sk_', 'test_4eC39HqLyjWDarjtT1zdp7dc"')],
  [
    "jwt.io's sample token",
    j(
      'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ),
  ],
  ["RFC 6455's sample WebSocket key", j('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ', '==')],
  // Public, random-looking values that ordinary traces hold.
  ['git commit id', `git revert ${crypto.createHash('sha1').update('a').digest('hex')}`],
  ['docker image digest', `FROM node@sha256:${crypto.createHash('sha256').update('b').digest('hex')}`],
  ['npm integrity string', `"integrity": "sha512-${crypto.createHash('sha512').update('c').digest('base64')}"`],
  ['subresource integrity', `<script integrity="sha384-${crypto.createHash('sha384').update('d').digest('base64')}">`],
  ['go.sum line', `golang.org/x/mod v0.17.0 h1:${crypto.createHash('sha256').update('e').digest('base64')}`],
  ['UUIDs', `request_id = "${crypto.randomUUID()}"\nX-Request-Id: ${crypto.randomUUID()}`],
  ['base64 image', `![chart](data:image/png;base64,${crypto.randomBytes(600).toString('base64')})`],
  ['SSH public key', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${crypto.randomBytes(32).toString('base64')} me@laptop`],
  [
    'PEM certificate',
    `-----BEGIN CERTIFICATE-----\n${(
      crypto
        .randomBytes(600)
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    ).join('\n')}\n-----END CERTIFICATE-----`,
  ],
  ['document id in a URL', 'https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit'],
  // Code that names a secret without holding one.
  ['a type annotation', 'interface Login { password: string; apiKey: string }'],
  ['a variable', 'const client = new Client({ token: authToken, password: userPassword });'],
  ['a settings lookup', 'SECRET_KEY = settings.SECRET_KEY'],
  [
    'a Kubernetes secretKeyRef',
    'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: { name: db, key: password }',
  ],
  ['token counts and types', 'max_tokens: 4096\ntoken_type: bearer\nsort_key: created_at'],
  ['a long identifier', 'class AbstractSingletonProxyFactoryBean2Configuration extends Base {}'],
];

describe('scanSecrets', () => {
  for (const [name, text] of POSITIVES) {
    it(`finds a ${name}`, async () => {
      const findings = await scanSecrets(`line one\n${text}\n`);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings[0]?.line).toBe(2);
      // The finding never carries the secret in full.
      for (const f of findings)
        expect(text.includes(f.preview.replace(/….*$/, '')) && f.preview.length < 20 + String(text.length).length).toBe(
          true,
        );
    });
  }
  for (const [name, text] of NEGATIVES) {
    it(`does not flag a ${name}`, async () => {
      expect(await scanSecrets(text)).toEqual([]);
    });
  }
  it('masks a secret to a short prefix and its length', () => {
    expect(maskSecret('abcdefghijklmnopqrstuvwx')).toBe('abcdef…(24 chars)');
    expect(maskSecret('abcd')).toBe('a…(4 chars)');
  });
});
