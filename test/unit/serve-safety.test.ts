import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  checkBindPolicy,
  isLocalHostHeader,
  isLoopbackAddress,
  isLoopbackHost,
  tokenMatches,
} from '../../src/serve/access.js';
import { renderMarkdown } from '../../src/serve/markdown.js';

describe('renderMarkdown: untrusted markdown as inert HTML', () => {
  const hostile: [string, string][] = [
    ['raw script', '<script>alert(1)</script>'],
    ['event handler', '<img src=x onerror="alert(1)">'],
    ['html javascript link', '<a href="javascript:alert(1)">x</a>'],
    ['markdown javascript link', '[x](javascript:alert(1))'],
    ['mixed case scheme', '[x](JaVaScRiPt:alert(1))'],
    ['autolink', '<javascript:alert(1)>'],
    ['vbscript', '[x](vbscript:msgbox(1))'],
    ['data url', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['svg', '<svg onload=alert(1)></svg>'],
    ['iframe', '<iframe src="https://evil.example"></iframe>'],
    ['style', '<style>body{display:none}</style>'],
    ['reference link', '[x][r]\n\n[r]: javascript:alert(1)'],
    ['code fence language', '```"><script>alert(1)</script>\ncode\n```'],
  ];
  for (const [name, text] of hostile) {
    it(`keeps ${name} inert`, () => {
      // The real elements of the output (escaped text reads "&lt;...", never "<").
      const elements = renderMarkdown(text).match(/<[a-z][^>]*>/gi) ?? [];
      for (const element of elements) {
        expect(element).toMatch(/^<(p|a|pre|code|span|h\d|ul|ol|li|em|strong)[\s>]/);
        expect(element).not.toMatch(/\son\w+=/i);
        expect(element).not.toMatch(/\s(href|src)="(?!https?:|mailto:)/i);
      }
    });
  }

  it('keeps what markdown is for: headings, lists, code with highlighting, safe links', () => {
    const out = renderMarkdown(
      '## Solution\n- one\n- two\n\n```ts\nconst a: number = 1;\n```\n\n[docs](https://example.com/a?b=1)',
    );
    expect(out).toContain('<h2>Solution</h2>');
    expect(out).toContain('<li>one</li>');
    expect(out).toContain('<span class="hljs-keyword">const</span>');
    expect(out).toContain('<a href="https://example.com/a?b=1" rel="nofollow noopener noreferrer">docs</a>');
  });

  it('turns an image into a link, so the reader fetches nothing', () => {
    expect(renderMarkdown('![pixel](https://tracker.example/p.png)')).toBe(
      '<p><a href="https://tracker.example/p.png" rel="nofollow noopener noreferrer">[image: pixel]</a></p>\n',
    );
  });
});

describe('access rules of ct serve', () => {
  it('knows loopback addresses and hosts', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.0.2.2', '::ffff:10.0.0.1', '0.0.0.0', '::', undefined])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });

  it('trusts only local names in the Host header', () => {
    expect(isLocalHostHeader('127.0.0.1:4711', '127.0.0.1')).toBe(true);
    expect(isLocalHostHeader('localhost:4711', '127.0.0.1')).toBe(true);
    expect(isLocalHostHeader('[::1]:4711', '::1')).toBe(true);
    expect(isLocalHostHeader('attacker.example:4711', '127.0.0.1')).toBe(false);
    expect(isLocalHostHeader(undefined, '127.0.0.1')).toBe(false);
  });

  it('refuses a network address without a token, and a short token anywhere', () => {
    expect(() => checkBindPolicy('127.0.0.1', undefined)).not.toThrow();
    expect(() => checkBindPolicy('0.0.0.0', undefined)).toThrow(/refusing to serve on 0\.0\.0\.0 without a token/);
    expect(() => checkBindPolicy('0.0.0.0', 'x'.repeat(16))).not.toThrow();
    expect(() => checkBindPolicy('127.0.0.1', 'short')).toThrow(/at least 16/);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('a'.repeat(20), 'a'.repeat(20))).toBe(true);
    expect(tokenMatches('a'.repeat(20), 'a'.repeat(19))).toBe(false);
    expect(tokenMatches(undefined, 'anything')).toBe(false);
    expect(tokenMatches('a'.repeat(20), '')).toBe(false);
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
  });
});
