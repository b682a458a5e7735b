import { describe, expect, it } from 'vitest';
import data from '../../src/check/data/gitleaks-rules.json' with { type: 'json' };
import { scanGitleaks } from '../../src/check/gitleaks-scan.js';
import type { GitleaksRuleSet } from '../../src/check/gitleaks-types.js';
import { translateRe2 } from '../../src/check/re2-to-js.js';

const re = (pattern: string) => {
  const { source, flags } = translateRe2(pattern);
  return new RegExp(source, flags);
};

describe('translateRe2', () => {
  it('keeps a leading (?i) as the i flag', () => {
    expect(translateRe2('(?i)abc')).toEqual({ source: 'abc', flags: 'i' });
  });
  it('applies a mid-pattern (?i) to the rest of its group only', () => {
    const r = re('\\b(p8e-(?i)[a-z0-9]{4})x');
    expect(r.test('p8e-AbC9x')).toBe(true);
    expect(r.test('P8E-abc9x')).toBe(false);
    expect(r.test('p8e-abc9X')).toBe(false);
  });
  it('turns case-sensitivity back on inside (?-i:...)', () => {
    const r = re('(?i)key(?:(?-i:[Aa]pi|API))=');
    expect(r.test('KEYapi=')).toBe(true);
    expect(r.test('keyAPI=')).toBe(true);
    expect(r.test('keyaPI=')).toBe(false);
  });
  it('scopes (?i:...) to its group', () => {
    const r = re('^hf_(?i:[a-z]{3})Z$');
    expect(r.test('hf_AbCZ')).toBe(true);
    expect(r.test('hf_abcz')).toBe(false);
  });
  it('lets (?s:.) cross lines while . does not', () => {
    expect(re('a(?s:.)b').test('a\nb')).toBe(true);
    expect(re('a.b').test('a\nb')).toBe(false);
  });
  it('reads ] first in a class, a stray {, (?P<name>) and \\z as RE2 does', () => {
    expect(re('^[^]]+]$').test('abc]')).toBe(true);
    expect(re('^\\${{[^}]+}}$').test('${{ secrets.X }}')).toBe(true);
    expect(re('(?P<alg>ab)').exec('xab')?.groups?.alg).toBe('ab');
    expect(re('ab\\z').test('ab\n')).toBe(false);
  });
  it('rejects what it cannot translate instead of guessing', () => {
    expect(() => translateRe2('\\p{Greek}')).toThrow(/unicode classes/);
  });
  it('translates every pattern of the vendored gitleaks rules', () => {
    const rules = (data as unknown as GitleaksRuleSet).config.rules;
    expect(rules.length).toBeGreaterThan(200);
    const patterns = rules.flatMap((r) => [r.regex, ...(r.allowlists ?? []).flatMap((a) => a.regexes ?? [])]);
    for (const p of patterns.filter((p): p is string => p !== undefined)) expect(() => re(p), p).not.toThrow();
  });
});

describe('scanGitleaks', () => {
  const j = (...parts: string[]) => parts.join('');
  it('reports the secret group, not the whole match', () => {
    const text = j('mailchimp_key = "', '0123456789abcdef0123456789abcdef-us14', '"');
    const found = scanGitleaks(text).find((f) => f.kind === 'mailchimp-api-key');
    expect(text.slice(found?.start, found?.end)).toBe(j('0123456789abcdef0123456789abcdef-us14'));
  });
  it("applies a rule's allowlist (AWS's EXAMPLE keys) and entropy floor", () => {
    expect(scanGitleaks(j('AK', 'IAIOSFODNN7EXAMPLE'))).toEqual([]);
    expect(scanGitleaks(j('AK', 'IAAAAAAAAAAAAAAAAA'))).toEqual([]);
    expect(scanGitleaks(j('AK', 'IAZ4XQ7RT2NB3MK5WP')).map((f) => f.kind)).toEqual(['aws-access-token']);
  });
  it('requires a digit in the secret of the generic rule, as gitleaks does', () => {
    expect(scanGitleaks('api_token = "kQzvWpLmRtYbNcXsDfGhJe"')).toEqual([]);
    expect(scanGitleaks('api_token = "kQzvWpL4mRtYbN9cXsDfGhJe"').map((f) => f.kind)).toEqual(['generic-api-key']);
  });
});
