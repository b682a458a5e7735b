import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/util/fs.js';
import { tempDir } from '../helpers/temp-dir.js';

async function lines(text: string, chunkBytes: number): Promise<string[]> {
  const file = path.join(tempDir('ct-lines-'), 'file.txt');
  fs.writeFileSync(file, text);
  const out: string[] = [];
  for await (const line of readLines(file, chunkBytes)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('gives back every line whatever the chunk size, characters cut by a read included', async () => {
    const text = 'a\ttraces/café/crème-brûlée.md\nb\t日本語のファイル.md\n\nlast line without a break';
    for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 20])
      expect(await lines(text, chunk), `chunk ${chunk}`).toEqual(text.split('\n'));
  });

  it('reads an empty file as no line; a final line break ends the last line', async () => {
    expect(await lines('', 4)).toEqual([]);
    expect(await lines('x\n', 4)).toEqual(['x']);
  });
});
