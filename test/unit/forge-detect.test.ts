import { describe, expect, it } from 'vitest';
import { compareUrl, detectForge, hostOf, repositoryOf } from '../../src/forge/detect.js';
import { parseStoreConfig } from '../../src/store/config.js';

function config(forge = '') {
  const { config, issues } = parseStoreConfig(`name: s\nschema_version: 1\n${forge}`);
  if (!config) throw new Error(issues.map((i) => i.message).join('; '));
  return config;
}

describe('forge detection', () => {
  it('knows forges by host, in https and scp-like URLs, and lets ct.yml decide', () => {
    expect(detectForge(config(), 'git@github.com:org/traces.git')).toBe('github');
    expect(detectForge(config(), 'https://gitlab.example.org/org/traces.git')).toBe('gitlab');
    expect(detectForge(config(), 'https://codeberg.org/org/traces')).toBe('gitea');
    expect(detectForge(config(), 'file:///srv/git/traces.git')).toBe('git');
    expect(detectForge(config('forge:\n  type: gitea\n'), 'https://git.example.com/org/t.git')).toBe('gitea');
    expect(hostOf('not a url')).toBeUndefined();
  });

  it('finds owner/name and a compare link where the forge has one', () => {
    expect(repositoryOf(config(), 'git@github.com:org/traces.git')).toEqual({ owner: 'org', repo: 'traces' });
    expect(repositoryOf(config(), 'https://example.com/traces.git')).toBeUndefined();
    const repo = { owner: 'org', repo: 'traces' };
    expect(compareUrl('github', 'https://github.com/org/traces.git', repo, 'main', 'ct/x')).toMatch(
      /^https:\/\/github\.com\/org\/traces\/compare\/main\.\.\.ct%2Fx/,
    );
    expect(compareUrl('git', 'file:///srv/traces.git', repo, 'main', 'ct/x')).toBeUndefined();
  });
});
