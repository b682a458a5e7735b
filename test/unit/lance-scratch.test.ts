import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withLanceScratch } from '../../src/index/lance-scratch.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('withLanceScratch', () => {
  const previous = process.env.TMPDIR;
  afterEach(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  });

  it('gives each build a temp folder of its own, one build at a time, and removes what LanceDB left', async () => {
    const parent = tempDir('ct-scratch-');
    process.env.TMPDIR = parent;
    const seen: string[] = [];
    let running = 0;
    let overlapped = false;
    const build = async () => {
      running++;
      if (running > 1) overlapped = true;
      const dir = process.env.TMPDIR as string;
      seen.push(dir);
      // What LanceDB 0.31 leaves: a .tmpXXXXXX folder of shuffle files.
      fs.mkdirSync(path.join(dir, '.tmpShUfFl'), { recursive: true });
      fs.writeFileSync(path.join(dir, '.tmpShUfFl', 'shuffle_data.lance'), 'x');
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return dir;
    };
    const [a, b] = await Promise.all([withLanceScratch(build), withLanceScratch(build)]);
    expect(overlapped).toBe(false);
    expect(a).not.toBe(b);
    expect(path.dirname(a)).toBe(parent);
    expect(process.env.TMPDIR).toBe(parent);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('keeps files something else put in the folder, and a failed build still restores TMPDIR', async () => {
    const parent = tempDir('ct-scratch-');
    process.env.TMPDIR = parent;
    await expect(
      withLanceScratch(async () => {
        fs.writeFileSync(path.join(process.env.TMPDIR as string, 'someone-else.txt'), 'kept');
        throw new Error('build failed');
      }),
    ).rejects.toThrow('build failed');
    expect(process.env.TMPDIR).toBe(parent);
    const [left] = fs.readdirSync(parent);
    expect(fs.readdirSync(path.join(parent, left as string))).toEqual(['someone-else.txt']);
    // The next build of this process empties it of LanceDB's folders only; the file stays.
    await withLanceScratch(async () => undefined);
    expect(fs.existsSync(path.join(parent, left as string, 'someone-else.txt'))).toBe(true);
  });
});
