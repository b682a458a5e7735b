import { ulid } from 'ulid';
import { z } from 'zod';
import { checkTraceFile } from '../check/run.js';
import { findSecretProblems } from '../check/secret-problems.js';
import { InvalidInputError, NotFoundError, parseInput } from '../errors.js';
import { PublishResultSchema } from '../forge/publish.js';
import { commitToNewBranch, readFileAtRef } from '../git/branch-commit.js';
import { requireGitIdentity, signsCommits } from '../git/repo.js';
import { normalizeTag } from '../store/config.js';
import { findTraceAnywhere } from '../store/find-trace.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';
import { AppliesToSchema, TitleSchema } from '../trace/schema.js';
import { serializeTrace } from '../trace/serialize.js';
import { localOnlyNotice, resolveBase } from './base.js';
import { publishAndRecord } from './publish-step.js';
import { blockingProblems } from './validate.js';

const SECTION_MAX = 32_000;

export const AmendInputSchema = z.object({
  id: z.string().min(6).describe('The trace to amend (id or unique prefix).'),
  reason: z
    .string()
    .trim()
    .min(10, 'explain the amendment in at least 10 characters')
    .max(2000)
    .describe('Why the change is needed: what was wrong or missing. Reviewers read it beside the diff.'),
  title: TitleSchema.optional().describe('A new title: the tool and the symptom.'),
  tags: z
    .array(z.string().min(1).max(40))
    .min(1)
    .max(10)
    .optional()
    .describe('A new list of tags (replaces the old one).'),
  context: z.string().trim().min(20).max(SECTION_MAX).optional().describe('A replacement Context section.'),
  solution: z.string().trim().min(20).max(SECTION_MAX).optional().describe('A replacement Solution section.'),
  verification: z.string().trim().max(SECTION_MAX).optional().describe('A replacement Verification section.'),
  notes: z.string().trim().max(SECTION_MAX).optional().describe('A replacement Notes section.'),
  applies_to: AppliesToSchema.optional(),
});
export type AmendInput = z.input<typeof AmendInputSchema>;

export const AmendResultSchema = z.object({
  id: z.string(),
  path: z.string(),
  branch: z.string(),
  commit: z.string(),
  warnings: z.array(z.string()),
  publish: PublishResultSchema.nullable(),
});
export type AmendResult = z.infer<typeof AmendResultSchema>;

/**
 * `ct amend`: a new version of an existing trace (same id and file) with an explanation, on its
 * own branch and pull request, so reviewers see the diff and the reason side by side.
 */
export async function amendTrace(
  store: Store,
  input: AmendInput,
  options: { noPublish?: boolean; log?: (message: string) => void } = {},
): Promise<AmendResult> {
  const change = parseInput(AmendInputSchema, input, {
    code: 'amendment-invalid',
    hint: 'ct amend <id> --reason "..." [--solution ... --context ... --title ... --tags ...]',
  });
  // The reason goes into the commit message and the pull request, not the file: scan it on its own.
  blockingProblems(store, await findSecretProblems('(amendment reason)', change.reason, store.config, 'reason'));
  const base = await resolveBase(store);
  const current = await findTraceAnywhere(store.root, change.id, base.ref);
  const identity = await requireGitIdentity(store.root);
  const original = await readFileAtRef(store.root, base.ref, current.path);
  if (original === undefined)
    throw new NotFoundError(
      'trace-not-published',
      `${current.path} is not on ${base.branch} yet`,
      'amend a trace once its pull request is merged, or edit your own branch',
    );
  const trace = parseTrace(original, current.path).trace;
  if (!trace)
    throw new InvalidInputError(
      'trace-invalid',
      `${current.path} on ${base.branch} is not a valid trace`,
      `run ct check ${current.path}`,
    );
  const text = serializeTrace(
    {
      id: trace.id,
      title: change.title ?? trace.title,
      tags: change.tags ? [...new Set(change.tags.map((t) => normalizeTag(t, store.config.tags.aliases)))] : trace.tags,
      created: trace.created,
      ...(trace.agent ? { agent: trace.agent } : {}),
      ...((change.applies_to ?? trace.applies_to) ? { applies_to: change.applies_to ?? trace.applies_to } : {}),
      ...(trace.supersedes?.length ? { supersedes: trace.supersedes } : {}),
      status: trace.status,
      ...(trace.review_after ? { review_after: trace.review_after } : {}),
    },
    {
      context: change.context ?? trace.sections.context,
      solution: change.solution ?? trace.sections.solution,
      ...((change.verification ?? trace.sections.verification)
        ? { verification: change.verification ?? trace.sections.verification }
        : {}),
      ...((change.notes ?? trace.sections.notes) ? { notes: change.notes ?? trace.sections.notes } : {}),
    },
  );
  if (text === original)
    throw new InvalidInputError(
      'amendment-empty',
      'the amendment changes nothing',
      'pass at least one of --title, --tags, --context, --solution, --verification, --notes',
    );
  const problems = await checkTraceFile(
    { file: current.path, text, parsed: parseTrace(text, current.path) },
    store.config,
  );
  blockingProblems(store, problems, text);
  const notice = await localOnlyNotice(store, 'amendment');
  if (notice) options.log?.(notice);
  const branch = `ct/amend/${trace.id.slice(-8).toLowerCase()}-${ulid().slice(-6).toLowerCase()}`;
  const title = `Amend trace: ${change.title ?? trace.title}`;
  const committed = await commitToNewBranch(store.root, {
    // Plumbing ignores commit.gpgSign: sign as the user's own commits would be.
    sign: await signsCommits(store.root),
    branch,
    base: base.ref,
    changes: [{ path: current.path, content: text }],
    message: `${title}\n\n${change.reason}\n\nTrace-Id: ${trace.id}\n`,
    author: identity,
  });
  const publish = options.noPublish
    ? null
    : await publishAndRecord(store, {
        branch,
        title,
        body: `${change.reason}\n\nAmends \`${current.path}\` (${trace.id}); the diff shows the change.`,
        kind: 'amend',
      });
  return {
    id: trace.id,
    path: current.path,
    branch,
    commit: committed.commit,
    warnings: [...problems.map((p) => `${p.rule}: ${p.message}`), ...(notice ? [notice] : [])],
    publish,
  };
}
