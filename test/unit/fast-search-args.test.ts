import { describe, expect, it } from 'vitest';
import { parseFastIndexArgs, parseFastSearchArgs } from '../../src/fast/parse-search.js';

describe('parseFastSearchArgs (the fast path of ct search)', () => {
  it('reads query words and plain flags as oclif does', () => {
    expect(parseFastSearchArgs(['connection', 'refused', '--tag', 'docker', '-n', '3', '--json'], {})).toEqual({
      query: 'connection refused',
      tag: ['docker'],
      limit: 3,
      json: true,
    });
    expect(parseFastSearchArgs(['x', '--store=a', '-s', 'b', '--budget', '200', '--limit=7'], {})).toEqual({
      query: 'x',
      store: ['a', 'b'],
      budget: 200,
      limit: 7,
      json: false,
    });
  });

  it('leaves to oclif anything it would read differently or reject', () => {
    const oclif = [
      [], // no query: oclif's "missing required argument"
      ['x', '--help'],
      ['x', '--', '-y'],
      ['x', '--unknown'],
      ['x', '-n', '0'],
      ['x', '-n', '101'],
      ['x', '-n', 'five'],
      ['x', '-n', '3', '-n', '4'],
      ['x', '--budget', '10'],
      ['x', '--json', '--json'],
      ['--tag', 'docker', 'more', 'words'], // oclif reads repeatable flags greedily
      ['x', '--tag'],
      ['x', '--tag', '--json'],
      ['-n5', 'x'],
    ];
    for (const argv of oclif) expect(parseFastSearchArgs(argv, {}), argv.join(' ')).toBeUndefined();
    expect(parseFastSearchArgs(['x'], { CT_STORE: 'team' })).toBeUndefined();
  });

  it('reads ct index flags, and leaves anything else to oclif', () => {
    expect(parseFastIndexArgs([], {})).toEqual({ full: false, json: false });
    expect(parseFastIndexArgs(['--full', '-s', 'team', '--json'], {})).toEqual({
      store: 'team',
      full: true,
      json: true,
    });
    expect(parseFastIndexArgs(['--store=a'], { CT_STORE: 'b' })).toEqual({ store: 'a', full: false, json: false });
    expect(parseFastIndexArgs([], { CT_STORE: 'b' })).toEqual({ store: 'b', full: false, json: false });
    for (const argv of [
      ['--full', '--full'],
      ['x'],
      ['--store'],
      ['--help'],
      ['--full=yes'],
      ['-s', 'a', '--store', 'b'],
    ])
      expect(parseFastIndexArgs(argv, {}), argv.join(' ')).toBeUndefined();
  });
});
