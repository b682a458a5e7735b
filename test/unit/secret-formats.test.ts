import { describe, expect, it } from 'vitest';
import { checkTraceFile } from '../../src/check/run.js';
import { StoreConfigSchema } from '../../src/store/config.js';
import { parseTrace } from '../../src/trace/parse.js';
import { secretFormats } from '../helpers/secret-formats.js';
import { VALID_ID } from '../helpers/trace.js';

const config = StoreConfigSchema.parse({ name: 'store', schema_version: 1 });
const FILE = 'traces/secrets-test/planted.md';

type Placement = 'frontmatter' | 'body' | 'code block';

/** A valid trace with `snippet` planted in one place; returns the text and the lines it occupies. */
function plant(snippet: string, where: Placement): { text: string; first: number; last: number; field: string } {
  const head = [
    '---',
    `id: ${VALID_ID}`,
    'title: Deploy script fails with 401 Unauthorized after a key rotation',
    'tags: [secrets-test]',
    'created: 2026-11-21',
  ];
  const snippetLines = snippet.split('\n');
  const lines = [...head];
  let first: number;
  let field: string;
  if (where === 'frontmatter') {
    lines.push('config: |');
    first = lines.length + 1;
    lines.push(...snippetLines.map((l) => `  ${l}`));
    field = 'config';
  } else {
    first = 0;
    field = where === 'body' ? 'context' : 'solution';
  }
  lines.push('---', '## Context', 'The deploy step answers `401 Unauthorized` since the keys were rotated.');
  if (where === 'body') {
    lines.push('', 'The old configuration was:');
    first = lines.length + 1;
    lines.push(...snippetLines);
  }
  lines.push('', '## Solution', 'Read the credentials from the environment instead of the file.');
  if (where === 'code block') {
    lines.push('', '```sh');
    first = lines.length + 1;
    lines.push(...snippetLines, '```');
  }
  lines.push('');
  return { text: lines.join('\n'), first, last: first + snippetLines.length - 1, field };
}

describe('secret formats planted in a trace', () => {
  for (const format of secretFormats()) {
    for (const where of ['frontmatter', 'body', 'code block'] as const) {
      it(`refuses a ${format.name} in the ${where}`, async () => {
        const { text, first, last, field } = plant(format.text, where);
        const problems = await checkTraceFile({ file: FILE, text, parsed: parseTrace(text, FILE) }, config);
        const secrets = problems.filter((p) => p.rule === 'secrets/detected');
        expect(secrets.length, JSON.stringify(problems)).toBeGreaterThan(0);
        for (const p of secrets) {
          expect(p.severity).toBe('error');
          expect(p.line).toBeGreaterThanOrEqual(first);
          expect(p.line).toBeLessThanOrEqual(last);
          expect(p.field).toBe(field);
          // Masked: never the secret, nor its tail.
          expect(JSON.stringify(p)).not.toContain(format.secret);
          expect(JSON.stringify(p)).not.toContain(format.secret.slice(6, 16));
        }
      });
    }
  }
});
