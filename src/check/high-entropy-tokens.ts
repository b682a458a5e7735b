import { randomEntropyFloor, shannonEntropy } from './entropy.js';
import type { SecretMatch } from './secret-match.js';

/** A run of base64 (standard or URL-safe) characters, standing alone. */
const TOKEN = /(?<![\w+/=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![\w+/=-])/g;

/**
 * What may stand right before a long random-looking string that is not a secret: integrity and
 * content hashes (`sha512-...`, `h1:...`), data URLs (`base64,...`), public keys
 * (`ssh-ed25519 AAAA...`), and the path of a URL.
 */
const PUBLIC_PREFIX =
  /(?:sha(?:1|256|384|512)[-:]|h1:|base64,|ssh-(?:rsa|ed25519|dss) |ecdsa-sha2-nistp\d+ |sk-ssh-ed25519@openssh\.com |:\/\/\S*)$/i;

/**
 * Bare random-looking strings: 32+ base64 characters with upper case, lower case and digits, whose
 * entropy is at least that of 99% of random strings of the same length (see randomEntropyFloor).
 * Hex strings are never flagged bare: git object ids, sha256 digests and UUIDs are hex, and a hex
 * secret is caught where it is assigned (`SECRET_KEY=...`). Public material is skipped: hashes
 * and integrity strings, data URLs (base64 images), public keys and PEM certificates, URL paths.
 * `margin` shifts the entropy threshold (test/bench/secrets.ts measures false positives with it).
 */
export function scanHighEntropyTokens(text: string, margin = 0): SecretMatch[] {
  const found: SecretMatch[] = [];
  const publicBlocks = pemPublicBlocks(text);
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    const start = m.index as number;
    const core = token.replace(/=+$/, '');
    if (!/[a-z]/.test(core) || !/[A-Z]/.test(core) || !/\d/.test(core)) continue;
    // Mixed alphabets (+/ and -_) or a path-like shape: not one encoded value.
    if (/[+/]/.test(core) && /[-_]/.test(core)) continue;
    if (/^[/_-]|[/_-]$|\/\/|__|--/.test(core)) continue;
    if (shannonEntropy(core) < randomEntropyFloor(core.length) + margin) continue;
    const lineStart = text.lastIndexOf('\n', start) + 1;
    if (PUBLIC_PREFIX.test(text.slice(Math.max(lineStart, start - 200), start))) continue;
    if (publicBlocks.some(([s, e]) => start >= s && start < e)) continue;
    found.push({
      kind: 'high-entropy-string',
      description: 'a random-looking string (base64 or similar) that may be a key or token',
      start,
      end: start + token.length,
    });
  }
  return found;
}

/** Spans of PEM blocks that hold public material (certificates, public keys). */
function pemPublicBlocks(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const block = /-----BEGIN ((?:[A-Z0-9]+ )*(?:CERTIFICATE|PUBLIC KEY|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK))-----/g;
  for (const m of text.matchAll(block)) {
    const end = text.indexOf(`-----END ${m[1]}-----`, m.index);
    spans.push([m.index as number, end === -1 ? text.length : end]);
  }
  return spans;
}
