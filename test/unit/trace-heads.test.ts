import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceHeads } from '../../src/trust/trace-heads.js';
import { tempDir } from '../helpers/temp-dir.js';
import { traceText } from '../helpers/trace.js';

const ID_A = '01JDQ5Z8X4N2K7M3P9R6T1V0WA';
const ID_B = '01JDQ5Z8X4N2K7M3P9R6T1V0WB';

function store(files: Record<string, string>): string {
  const root = tempDir('ct-heads-');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('trace heads for trust', () => {
  const root = store({
    'traces/a/first.md': traceText({ id: ID_A, tags: '[Docker, postgres]' }),
    'traces/b/copy.md': traceText({ id: ID_A, tags: '[copied]' }),
    'traces/b/other.md': traceText({ id: ID_B, tags: null, extra: 'tags:\n  - redis\n' }),
    'traces/b/no-id.md': traceText({ id: null }),
    'traces/b/not-a-trace.txt': 'id: 01JDQ5Z8X4N2K7M3P9R6T1V0WC',
  });

  it('reads id, tags and blob of every trace file; the first file of an id wins', async () => {
    const heads = await readTraceHeads(root, { postgres: 'postgresql' });
    expect(heads.map((h) => [h.file, h.id])).toEqual([
      ['traces/a/first.md', ID_A],
      ['traces/b/other.md', ID_B],
    ]);
    expect(heads[0]?.tags).toEqual(['docker', 'postgresql']);
    expect(heads[1]?.tags).toEqual(['redis']);
    expect(heads[0]?.blob).toMatch(/^[0-9a-f]{40}$/);
  });

  it('keeps only the heads asked for, and a kept duplicate still loses to the earlier file it was not asked for', async () => {
    const copies = await readTraceHeads(root, {}, (h) => h.file === 'traces/b/copy.md');
    expect(copies).toEqual([]);
    const others = await readTraceHeads(root, {}, (h) => h.id === ID_B);
    expect(others.map((h) => h.file)).toEqual(['traces/b/other.md']);
  });
});
