import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../src/paths.js';

describe('resolveDataDir', () => {
  it("takes CT_DATA_DIR (oclif's name) first, then its alias CT_HOME, then XDG, then the default", () => {
    expect(resolveDataDir({ CT_DATA_DIR: '/d', CT_HOME: '/h', XDG_DATA_HOME: '/x' })).toEqual({
      dir: '/d',
      from: 'CT_DATA_DIR',
    });
    expect(resolveDataDir({ CT_HOME: '/h', XDG_DATA_HOME: '/x' })).toEqual({ dir: '/h', from: 'CT_HOME' });
    expect(resolveDataDir({ XDG_DATA_HOME: '/x' })).toEqual({ dir: '/x/commontrace', from: 'XDG_DATA_HOME' });
    expect(resolveDataDir({})).toEqual({
      dir: path.join(os.homedir(), '.local', 'share', 'commontrace'),
      from: 'default',
    });
  });

  it('names CT_HOME when bin/run.js copied it to CT_DATA_DIR, and ignores a relative XDG_DATA_HOME', () => {
    expect(resolveDataDir({ CT_DATA_DIR: '/h', CT_HOME: '/h/' })).toEqual({ dir: '/h', from: 'CT_HOME' });
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative' }).from).toBe('default');
  });
});
