import { z } from 'zod';
import { readBlobs } from '../git/blobs.js';
import { readLog, ZERO_OID } from '../git/log.js';
import { gitFailure, spawnGit } from '../git/run.js';
import { literalPath, locateTrace, resolveCommit } from './locate-trace.js';

export const TraceVersionSchema = z.object({
  commit: z.string().describe('The commit that wrote this version of the trace file.'),
  at: z.string().describe('The commit author date, ISO 8601.'),
  path: z.string().describe('The trace file in that commit.'),
  from: z.string().optional().describe('The path before, when the commit moved the file.'),
  status: z.string().describe("git's change letter: A added, M modified, R renamed, D deleted."),
  diff: z.string().describe('The unified diff against the previous version (git diff), without its header.'),
});
export type TraceVersion = z.infer<typeof TraceVersionSchema>;

/**
 * The versions of a trace file, newest first, each with its diff against the one before: the
 * commits `git log --follow` finds for the file (so renames are followed), one `git diff`
 * between the two blobs per version, and the added or removed text when the file was created or
 * deleted. The events of `getTraceLog` name the same commits.
 */
export async function readTraceVersions(
  root: string,
  query: string,
  options: { ref?: string; limit?: number } = {},
): Promise<TraceVersion[]> {
  const commit = await resolveCommit(root, options.ref ?? 'HEAD');
  const located = await locateTrace(root, query, commit);
  const records = await readLog(root, { revisions: [commit, '--follow'], paths: [literalPath(located.path)] });
  const changes = records
    .slice(0, options.limit ?? 50)
    .flatMap((record) => record.changes.slice(0, 1).map((change) => ({ record, change })));
  const whole = await readBlobs(
    root,
    changes.flatMap(({ change }) =>
      change.oldBlob === ZERO_OID ? [change.newBlob] : change.newBlob === ZERO_OID ? [change.oldBlob] : [],
    ),
  );
  return Promise.all(
    changes.map(async ({ record, change }) => {
      let diff: string;
      if (change.oldBlob === ZERO_OID) diff = prefixLines('+', whole.get(change.newBlob) ?? '');
      else if (change.newBlob === ZERO_OID) diff = prefixLines('-', whole.get(change.oldBlob) ?? '');
      else if (change.oldBlob === change.newBlob) diff = '';
      else diff = await diffBlobs(root, change.oldBlob, change.newBlob);
      return {
        commit: record.commit,
        at: record.at,
        path: change.path,
        ...(change.from ? { from: change.from } : {}),
        status: change.status,
        diff,
      };
    }),
  );
}

/** `git diff` of two blobs, from the first hunk on (the header names only blob ids). */
async function diffBlobs(root: string, before: string, after: string): Promise<string> {
  const args = ['diff', '--no-color', '--no-ext-diff', '--unified=3', before, after];
  const result = await spawnGit(root, args);
  if (result.code !== 0) throw gitFailure(args, result);
  const text = result.stdout.toString('utf8');
  const hunk = text.indexOf('\n@@');
  return hunk === -1 ? '' : text.slice(hunk + 1);
}

function prefixLines(sign: string, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return `@@ ${sign === '+' ? `-0,0 +1,${lines.length}` : `-1,${lines.length} +0,0`} @@\n${lines.map((l) => sign + l).join('\n')}\n`;
}
