import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/trace/parse.js';
import { splitSections } from '../../src/trace/sections.js';
import { traceText, VALID_BODY, VALID_ID } from '../helpers/trace.js';

const rules = (text: string) => parseTrace(text, 'traces/x/t.md').problems.map((p) => p.rule);

describe('parseTrace', () => {
  it('parses a valid trace into frontmatter, body and sections', () => {
    const { trace, problems } = parseTrace(
      traceText({ extra: 'applies_to: { postgres: ">=14" }\nagent: { model: claude-opus-4-6 }' }),
      'traces/docker-compose/a.md',
    );
    expect(problems).toEqual([]);
    expect(trace).toMatchObject({
      id: VALID_ID,
      tags: ['docker-compose', 'postgresql'],
      created: '2026-11-21',
      status: 'active',
      applies_to: { postgres: '>=14' },
      agent: { model: 'claude-opus-4-6' },
    });
    expect(trace?.sections.context).toContain('psycopg.OperationalError');
    expect(trace?.sections.solution).toContain('service_healthy');
  });

  it('never executes JavaScript frontmatter', () => {
    const marker = `ct_test_executed_${Date.now()}`;
    const text = `---js\n{ title: (globalThis["${marker}"] = true, "x") }\n---\n${VALID_BODY}`;
    const { trace, problems } = parseTrace(text, 't.md');
    expect(trace).toBeUndefined();
    expect(problems[0]?.rule).toBe('trace/frontmatter-engine');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it('does not construct JavaScript values from YAML tags', () => {
    const text = traceText({ extra: 'evil: !!js/function "function () { return 1 }"' });
    const { problems } = parseTrace(text, 't.md');
    expect(problems.some((p) => p.rule === 'trace/frontmatter-yaml')).toBe(true);
  });

  it('rejects a 10 MB trace quickly with a clear error', () => {
    const big = traceText({ extra: `notes: "${'a'.repeat(10 * 1024 * 1024)}"` });
    // How quickly: `npm run bench -- guards` (tests assert behaviour, not wall time).
    const { problems } = parseTrace(big, 't.md');
    expect(problems).toEqual([expect.objectContaining({ rule: 'trace/too-large', line: 1 })]);
  });

  it('rejects a large frontmatter and a deeply nested one', () => {
    expect(rules(traceText({ extra: `x: "${'b'.repeat(20_000)}"` }))).toContain('trace/frontmatter-too-large');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(rules(traceText({ extra: `x: ${deep}` }))).toContain('trace/frontmatter-too-deep');
    const indented = Array.from({ length: 12 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(rules(traceText({ extra: indented }))).toContain('trace/frontmatter-too-deep');
  });

  it('caps YAML aliases (billion laughs)', () => {
    const lol = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    expect(rules(traceText({ extra: lol }))).toContain('trace/frontmatter-yaml');
  });

  it('reports a missing or unclosed frontmatter block', () => {
    expect(rules(VALID_BODY)).toEqual(['trace/missing-frontmatter']);
    expect(rules(`---\nid: ${VALID_ID}\n${VALID_BODY}`)).toEqual(['trace/missing-frontmatter']);
  });

  it('reports every field problem with its line', () => {
    const { problems } = parseTrace(
      traceText({ id: 'not-a-ulid', title: 'short', tags: '[Docker]', created: '2026-02-30' }),
      't.md',
    );
    expect(problems.map((p) => [p.rule, p.line])).toEqual([
      ['trace/invalid-id', 2],
      ['trace/invalid-title', 3],
      ['trace/invalid-tags', 4],
      ['trace/invalid-date', 5],
    ]);
    expect(problems[0]?.message).toContain('"not-a-ulid"');
    expect(problems[0]?.hint).toMatch(/ULID/);
  });

  it('reports missing required fields', () => {
    const { problems } = parseTrace(traceText({ id: null, created: null }), 't.md');
    expect(problems.map((p) => p.rule)).toEqual(['trace/missing-field', 'trace/missing-field']);
    expect(problems.map((p) => p.field)).toEqual(['id', 'created']);
  });

  it('ignores headings inside fenced code when finding sections', () => {
    const body = '## Context\nThe problem.\n\n```bash\n## Solution\necho not a heading\n```\n';
    expect(splitSections(body).sections.map((s) => s.heading)).toEqual(['Context']);
    expect(rules(traceText({ body }))).toEqual(['trace/missing-section']);
  });
});
