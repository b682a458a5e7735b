import { describe, expect, it } from 'vitest';
import { codeBlocks, codeComments } from '../../src/text/code.js';
import { normalizeErrorText } from '../../src/text/normalize.js';
import { expandForFts } from '../../src/text/tokenize.js';

describe('error-message normalisation', () => {
  it('makes the same error from two machines the same tokens', () => {
    const mine = `Traceback (most recent call last):
  File "/home/alice/proj/app/main.py", line 42, in <module>
    import numpy
  File "/home/alice/.venv/lib/python3.11/site-packages/numpy/__init__.py", line 130, in <module>
ImportError: cannot load object at 0x7f3a2c1e9b40`;
    const theirs = `Traceback (most recent call last):
  File "C:\\Users\\bob\\work\\main.py", line 7, in <module>
    import numpy
  File "C:\\Python311\\Lib\\site-packages\\numpy\\__init__.py", line 131, in <module>
ImportError: cannot load object at 0x55d0c0ffee00`;
    expect(expandForFts(mine)).toBe(expandForFts(theirs));
    expect(expandForFts(mine)).toContain('import error importerror');
    expect(expandForFts(mine)).toContain('numpy');
    expect(expandForFts(mine)).not.toMatch(/alice|home|7f3a|\b42\b/);
  });

  it('keeps exception and identifier names, file and package names, URLs, hosts and ports', () => {
    expect(normalizeErrorText('at Object.<anonymous> (/srv/app/server.js:17:5)')).toMatch(
      /Object\.<anonymous> \(\s*server\.js\s*\)/,
    );
    expect(normalizeErrorText('require() of /w/node_modules/chalk/source/index.js')).toMatch(/chalk index\.js/);
    expect(normalizeErrorText('ECONNREFUSED 127.0.0.1:5432')).toBe('ECONNREFUSED 127.0.0.1:5432');
    expect(normalizeErrorText('see https://addons.thunderbird.net/en-US/seamonkey/ now')).toBe(
      'see https://addons.thunderbird.net/en-US/seamonkey/ now',
    );
    expect(normalizeErrorText('postgres 16.2 and node v20.11.1')).toBe('postgres 16.2 and node v20.11.1');
    expect(normalizeErrorText('commit 3f2a9c1b8e7d6f5a4b3c broke request 123e4567-e89b-12d3-a456-426614174000')).toBe(
      'commit   broke request  ',
    );
    expect(normalizeErrorText('failed at 2024-05-01T10:22:33Z')).toBe('failed at  ');
    // Words of hex letters are words: only runs with digits and letters are ids.
    expect(normalizeErrorText('deadbeef cafebabe decade')).toBe('deadbeef cafebabe decade');
  });
});

describe('code parts of a trace', () => {
  it('takes the fenced blocks, and the comments and docstrings inside them', () => {
    const body =
      'Intro `inline`.\n\n```python\ndef f():\n    """Return the answer."""\n    return 42  # the answer\n```\n\nThen:\n\n~~~js\nconst u = "http://x"; // fetch it\n/* retry once */\n~~~\n';
    const code = codeBlocks(body);
    expect(code).toContain('def f():');
    expect(code).toContain('const u = "http://x";');
    expect(code).not.toContain('Intro');
    expect(codeComments(code).split('\n')).toEqual(['Return the answer.', 'the answer', 'fetch it', 'retry once']);
  });
});
