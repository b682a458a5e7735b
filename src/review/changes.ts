import { z } from 'zod';
import { GitError } from '../errors.js';
import { gitDetail, spawnGit } from '../git/run.js';

const STATUS = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'type-changed' } as const;

export const ChangedFileSchema = z.object({
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type-changed']),
  path: z.string().describe('Path relative to the store root (the new path for a rename).'),
  from: z.string().optional().describe('The old path of a rename or copy.'),
  mode: z
    .string()
    .describe(
      'The new git file mode: 100644 a file, 100755 executable, 120000 a symlink, 160000 a submodule, 000000 deleted.',
    ),
});
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

/** The files a branch changes since it left `baseRef` (`git diff base...tip`), and its commit count. */
export async function readBranchChanges(
  root: string,
  baseRef: string,
  tip: string,
): Promise<{ files: ChangedFile[]; commits: number }> {
  const [diff, count] = await Promise.all([
    spawnGit(root, ['diff', '--no-color', '--no-ext-diff', '--raw', '-z', '-M', '--no-abbrev', `${baseRef}...${tip}`]),
    spawnGit(root, ['rev-list', '--count', `${baseRef}..${tip}`]),
  ]);
  if (diff.code !== 0) throw new GitError(`git diff failed: ${gitDetail(diff)}`);
  return { files: parseRawZ(diff.stdout.toString('utf8')), commits: Number(count.stdout.toString('utf8').trim()) || 0 };
}

/** `--raw -z`: ":<old mode> <new mode> <old> <new> <status>\0<path>\0[<new path>\0]". */
function parseRawZ(text: string): ChangedFile[] {
  const parts = text.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const head = parts[i] ?? '';
    if (!head.startsWith(':')) continue;
    const [, newMode, , , status] = head.slice(1).split(' ') as [string, string, string, string, string];
    const letter = status.charAt(0) as keyof typeof STATUS;
    const word = STATUS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      files.push({ status: word, from: parts[i + 1] ?? '', path: parts[i + 2] ?? '', mode: newMode });
      i += 2;
    } else {
      files.push({ status: word, path: parts[i + 1] ?? '', mode: newMode });
      i += 1;
    }
  }
  return files;
}

/** The full patch, for reviewers. */
export async function readBranchDiff(root: string, baseRef: string, tip: string): Promise<string> {
  const diff = await spawnGit(root, ['diff', '--no-color', '--no-ext-diff', '-M', `${baseRef}...${tip}`]);
  if (diff.code !== 0) throw new GitError(`git diff failed: ${gitDetail(diff)}`);
  return diff.stdout.toString('utf8');
}
