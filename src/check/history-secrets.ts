import { spawn } from 'node:child_process';
import { runGit } from '../git/run.js';
import type { StoreConfig } from '../store/config.js';
import type { Problem } from '../trace/problem.js';
import { defaultSeverity } from './rules.js';
import { findSecretProblems } from './secret-problems.js';

const MAX_BLOB_BYTES = 1024 * 1024;

/**
 * `secrets/in-history` (with `ct check --base`): a pull request whose files are clean may still
 * carry a secret in its history, in a commit message or in a file version that a later commit
 * changed or removed; a merge (not a squash) would put it in the store's history for good. Scans
 * the messages of base..HEAD and every file version those commits wrote that differs from the one
 * in HEAD (HEAD's own files are scanned by the file rules).
 */
export async function checkHistorySecrets(root: string, base: string, config: StoreConfig): Promise<Problem[]> {
  const range = `${base}..HEAD`;
  const [log, raw, head] = await Promise.all([
    runGit(root, ['log', '-z', '--format=%H%x00%B', range]),
    runGit(root, ['log', '--format=%x01%H', '--raw', '--no-renames', '--no-abbrev', '-z', range]),
    runGit(root, ['ls-tree', '-r', '-z', 'HEAD']),
  ]);
  const problems: Problem[] = [];
  const fields = log.stdout.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const hash = (fields[i] as string).trim();
    if (!hash) continue;
    for (const p of await findSecretProblems(`commit ${hash.slice(0, 10)}`, fields[i + 1] as string, config))
      problems.push(inHistory(p, `the message of commit ${hash.slice(0, 10)}`, 'commit message'));
  }

  const inHead = new Set(
    head.stdout
      .split('\0')
      .filter(Boolean)
      .map((line) => `${line.split('\t')[1]}\0${line.split(' ')[2]?.split('\t')[0]}`),
  );
  // --raw -z: "\x01<hash>\0" then per change ":<modes> <old> <new> <status>\0<path>\0".
  const written = new Map<string, { path: string; commit: string }>();
  let commit = '';
  const parts = raw.stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const part = (parts[i] as string).replace(/^\n/, '');
    if (part.startsWith('\x01')) commit = part.slice(1).trim();
    else if (part.startsWith(':')) {
      const [, , , blob, status] = part.split(' ');
      const path = parts[++i] as string;
      if (!blob || /^0+$/.test(blob) || status?.startsWith('D')) continue;
      if (inHead.has(`${path}\0${blob}`) || written.has(blob)) continue;
      written.set(blob, { path, commit });
    }
  }
  for (const [blob, text] of await readBlobs(root, [...written.keys()])) {
    const { path, commit: hash } = written.get(blob) as { path: string; commit: string };
    for (const p of await findSecretProblems(path, text, config))
      problems.push(inHistory(p, `the version of ${path} written by commit ${hash.slice(0, 10)}`));
  }
  return problems;
}

function inHistory(p: Problem, where: string, field?: string): Problem {
  return {
    ...p,
    ...(field ? { field } : {}),
    rule: 'secrets/in-history',
    severity: defaultSeverity('secrets/in-history'),
    message: `in ${where}, no longer in the files: ${p.message}`,
    hint: 'rewrite the branch so no commit holds it (git rebase -i, then push --force), or squash-merge; if it was ever real, revoke and rotate it',
  };
}

/** Text blobs by id, read with one `git cat-file --batch` (binary and very large blobs skipped). */
function readBlobs(root: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, string>();
      let at = 0;
      while (at < out.length) {
        const eol = out.indexOf(10, at);
        const [id, type, size] = out.subarray(at, eol).toString().split(' ');
        if (type === undefined || size === undefined) break;
        const body = out.subarray(eol + 1, eol + 1 + Number(size));
        if (type === 'blob' && body.length <= MAX_BLOB_BYTES && !body.includes(0))
          blobs.set(id as string, body.toString());
        at = eol + 1 + Number(size) + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(`${ids.join('\n')}\n`);
  });
}
