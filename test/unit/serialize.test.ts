import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/trace/parse.js';
import { serializeTrace, slugify } from '../../src/trace/serialize.js';

describe('serializeTrace', () => {
  it('round-trips through parseTrace, quoting what YAML needs quoted', () => {
    const frontmatter = {
      id: '01JDQ5Z8X4N2K7M3P9R6T1V0WB',
      title: 'asyncio.run(): cannot be called from a running event loop',
      tags: ['python', 'asyncio'],
      created: '2026-11-21',
      agent: { model: 'claude-opus-4-6' },
      applies_to: { python: '>=3.11', ipykernel: '>=6' },
      status: 'active' as const,
    };
    const text = serializeTrace(frontmatter, {
      context: 'RuntimeError: asyncio.run() cannot be called',
      solution: '```python\nawait main()\n```',
      notes: 'Jupyter runs a loop.',
    });
    expect(text).toContain('tags: [ python, asyncio ]');
    const { trace, problems } = parseTrace(text, 'traces/python/x.md');
    expect(problems).toEqual([]);
    expect(trace).toMatchObject({ ...frontmatter, sections: { notes: 'Jupyter runs a loop.' } });
  });

  it('makes short, readable slugs', () => {
    expect(slugify('Docker Compose: healthcheck for PostgreSQL (v16) before the app starts!')).toBe(
      'docker-compose-healthcheck-for-postgresql-v16-before-the-app',
    );
    expect(slugify('Ünïcode – títle')).toBe('unicode-title');
    expect(slugify('!!!')).toBe('trace');
  });
});
