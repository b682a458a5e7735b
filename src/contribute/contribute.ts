import path from 'node:path';
import { ulid } from 'ulid';
import { z } from 'zod';
import { checkTraceFile } from '../check/run.js';
import { CtError, ExitCode, InvalidInputError } from '../errors.js';
import { PublishResultSchema } from '../forge/publish.js';
import { commitToNewBranch, readFileAtRef } from '../git/branch-commit.js';
import { requireGitIdentity, signsCommits } from '../git/repo.js';
import { normalizeTag } from '../store/config.js';
import { TRACES_DIR } from '../store/load.js';
import { selectStores } from '../store/select.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';
import { AppliesToSchema, TagSchema, TitleSchema } from '../trace/schema.js';
import { serializeTrace, slugify } from '../trace/serialize.js';
import { localOnlyNotice, resolveBase } from './base.js';
import { findNearDuplicates } from './duplicates.js';
import { publishAndRecord } from './publish-step.js';
import { blockingProblems } from './validate.js';

const SECTION_MAX = 32_000;

/** What an agent or a person contributes; the CLI flags, stdin JSON and the MCP tool share it. */
export const ContributionSchema = z.object({
  title: TitleSchema,
  context: z
    .string()
    .trim()
    .min(20, 'the context needs the concrete problem and the error message (at least 20 characters)')
    .max(SECTION_MAX)
    .describe('The problem: what you were doing, the exact error message, versions.'),
  solution: z
    .string()
    .trim()
    .min(20, 'the solution needs what worked and why (at least 20 characters)')
    .max(SECTION_MAX)
    .describe('What worked, with runnable code in fenced blocks, and why it works.'),
  tags: z
    .array(z.string().min(1).max(40))
    .min(1)
    .max(10)
    .describe('1-10 tags, most specific first is fine; the first names the folder.'),
  verification: z
    .string()
    .trim()
    .max(SECTION_MAX)
    .optional()
    .describe('How the fix was verified (tests, commands and their output).'),
  notes: z.string().trim().max(SECTION_MAX).optional().describe('Pitfalls, alternatives, version differences.'),
  applies_to: AppliesToSchema.optional(),
  agent: z
    .object({ model: z.string().max(100).optional(), version: z.string().max(100).optional() })
    .optional()
    .describe('What produced the trace.'),
});
export type Contribution = z.input<typeof ContributionSchema>;

export const ContributeResultSchema = z.object({
  id: z.string(),
  path: z.string(),
  branch: z.string(),
  commit: z.string(),
  duplicates: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      path: z.string(),
      similarity: z.number(),
      branch: z.string().optional().describe('Set when the similar trace is on an open, unmerged contribution branch.'),
    }),
  ),
  warnings: z.array(z.string()),
  publish: PublishResultSchema.nullable(),
});
export type ContributeResult = z.infer<typeof ContributeResultSchema>;

export interface ContributeOptions {
  /** Go on despite near-duplicates. */
  force?: boolean;
  /** Commit only; do not push or open a pull request. */
  noPublish?: boolean;
  log?: (message: string) => void;
}

/**
 * Nothing flows from a private store into a public one without an explicit choice: a contribution
 * to a public store that matches a trace of a subscribed private store (its near-duplicate check)
 * needs `force`, and the error says which store and trace.
 */
async function refusePrivateOrigin(
  store: Store,
  draft: Pick<Contribution, 'title' | 'context' | 'solution'> & { tags: string[] },
  log?: (message: string) => void,
): Promise<void> {
  if (store.config.visibility === 'private') return;
  const { stores } = await selectStores({ createSeeds: false });
  for (const other of stores) {
    if (other.config.visibility !== 'private' || path.resolve(other.root) === path.resolve(store.root)) continue;
    const [match] = await findNearDuplicates(other, draft, log).catch(() => []);
    if (match)
      throw new CtError(
        'private-origin',
        `this trace matches ${match.id} "${match.title}" of the private store "${other.name}" ` +
          `(similarity ${match.similarity}), and "${store.name}" is public`,
        {
          hint: `contribute it to "${other.name}" instead (--store ${other.name}), or pass --force if it holds nothing private`,
          exit: ExitCode.usage,
          data: { store: other.name, id: match.id },
        },
      );
  }
}

/**
 * `ct contribute`: validates with the rules of `ct check`, refuses secrets before anything is
 * written, warns about near-duplicates (`force` to go on), writes traces/<first-tag>/<slug>.md
 * with a new id on its own branch by git plumbing (the user's checkout is untouched), then
 * pushes and opens a pull request. Without a remote or network the commit stays on its branch.
 */
export async function contribute(
  store: Store,
  input: Contribution,
  options: ContributeOptions = {},
): Promise<ContributeResult> {
  const parsed = ContributionSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      'contribution-invalid',
      `the contribution is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
      'give --title, --context, --solution and --tags (or JSON with those fields on stdin)',
    );
  }
  const draft = parsed.data;
  const tags = [...new Set(draft.tags.map((t) => normalizeTag(t, store.config.tags.aliases)))];
  const badTag = tags.find((t) => !TagSchema.safeParse(t).success);
  if (badTag)
    throw new InvalidInputError(
      'contribution-invalid',
      `tag "${badTag}" is not valid: ${TagSchema.safeParse(badTag).error?.issues[0]?.message}`,
      'use lowercase tags such as docker-compose or python',
    );
  const identity = await requireGitIdentity(store.root);
  const id = ulid();
  const text = serializeTrace(
    {
      id,
      title: draft.title,
      tags,
      created: new Date().toISOString().slice(0, 10),
      ...(draft.agent && (draft.agent.model || draft.agent.version) ? { agent: draft.agent } : {}),
      ...(draft.applies_to ? { applies_to: draft.applies_to } : {}),
      status: 'active',
    },
    {
      context: draft.context,
      solution: draft.solution,
      ...(draft.verification ? { verification: draft.verification } : {}),
      ...(draft.notes ? { notes: draft.notes } : {}),
    },
  );

  const base = await resolveBase(store);
  const slug = slugify(draft.title);
  let file = `${TRACES_DIR}/${tags[0]}/${slug}.md`;
  for (let n = 2; (await readFileAtRef(store.root, base.ref, file)) !== undefined; n++)
    file = `${TRACES_DIR}/${tags[0]}/${slug}-${n}.md`;

  const problems = await checkTraceFile({ file, text, parsed: parseTrace(text, file) }, store.config);
  const blocking = blockingProblems(store, problems, text);
  const warnings = problems.filter((p) => !blocking.includes(p)).map((p) => `${p.rule}: ${p.message}`);

  const duplicates = await findNearDuplicates(
    store,
    { title: draft.title, tags, context: draft.context, solution: draft.solution },
    options.log,
    base.ref,
  );
  if (duplicates.length > 0 && !options.force) {
    throw new CtError(
      'near-duplicate',
      `the store already has ${duplicates.length === 1 ? 'a trace' : 'traces'} like this: ${duplicates.map((d) => `${d.id} "${d.title}" (similarity ${d.similarity}${d.branch ? `, open on branch ${d.branch}` : ''})`).join('; ')}`,
      {
        hint: `amend the existing trace (ct amend ${duplicates[0]?.id}), vote for it (ct vote ${duplicates[0]?.id} up), or pass --force if yours is a different problem`,
        exit: ExitCode.usage,
        data: { duplicates },
      },
    );
  }

  if (!options.force) await refusePrivateOrigin(store, draft, options.log);
  const notice = await localOnlyNotice(store, 'contribution');
  if (notice) {
    options.log?.(notice);
    warnings.push(notice);
  }
  const branch = `ct/trace/${slug.slice(0, 40)}-${id.slice(-6).toLowerCase()}`;
  const committed = await commitToNewBranch(store.root, {
    // Plumbing ignores commit.gpgSign: sign as the user's own commits would be.
    sign: await signsCommits(store.root),
    branch,
    base: base.ref,
    changes: [{ path: file, content: text }],
    message: `Add trace: ${draft.title}\n\nTrace-Id: ${id}\n`,
    author: identity,
  });
  const body = [
    `Adds \`${file}\` (${id}).`,
    '',
    `**${draft.title}**`,
    '',
    `Tags: ${tags.join(', ')}`,
    ...(duplicates.length
      ? [
          '',
          `Near-duplicates (contributed with --force): ${duplicates.map((d) => `${d.id} (${d.similarity})`).join(', ')}`,
        ]
      : []),
    '',
    'Checked with `ct check`: no errors.',
  ].join('\n');
  const publish = options.noPublish
    ? null
    : await publishAndRecord(store, { branch, title: `Add trace: ${draft.title}`, body, kind: 'trace' });
  return { id, path: file, branch, commit: committed.commit, duplicates, warnings, publish };
}
