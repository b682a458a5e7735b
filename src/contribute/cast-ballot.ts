import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { FLAG_REASONS, FlagFileSchema, VoteFileSchema, voterKey } from '../ballot/schema.js';
import { findSecretProblems } from '../check/secret-problems.js';
import { CtError, ExitCode, InvalidInputError, parseInput } from '../errors.js';
import { PublishResultSchema } from '../forge/publish.js';
import { commitToNewBranch, readFileAtRef } from '../git/branch-commit.js';
import { getSigningKey, requireGitIdentity, signsCommits } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { findTraceAnywhere } from '../store/find-trace.js';
import type { Store } from '../store/store.js';
import { parseYamlSafely } from '../trace/frontmatter.js';
import { TraceIdSchema } from '../trace/schema.js';
import { localOnlyNotice, resolveBase } from './base.js';
import { publishAndRecord } from './publish-step.js';
import { blockingProblems } from './validate.js';

export const VoteInputSchema = z.object({
  id: z.string().min(6).describe('The trace id (or a unique prefix).'),
  vote: z.enum(['up', 'down']).describe('up when the trace helped; down when it was wrong or misleading.'),
  reason: z.string().trim().max(500).optional().describe('Why; expected with a down-vote.'),
});
export type VoteInput = z.input<typeof VoteInputSchema>;

export const FlagInputSchema = z.object({
  id: z.string().min(6).describe('The trace id (or a unique prefix).'),
  reason: z.enum(FLAG_REASONS).describe('wrong, outdated, unsafe, duplicate or spam.'),
  note: z.string().trim().max(1000).optional().describe('Details for the reviewers.'),
  duplicate_of: TraceIdSchema.optional().describe('With reason duplicate: the trace this one duplicates.'),
});
export type FlagInput = z.input<typeof FlagInputSchema>;

export const BallotResultSchema = z.object({
  id: z.string().describe('The trace id.'),
  path: z.string().describe('The vote or flag file.'),
  branch: z.string(),
  commit: z.string(),
  changed: z.boolean().describe('False when the same vote or flag was already in the store (nothing committed).'),
  warnings: z.array(z.string()),
  publish: PublishResultSchema.nullable(),
});
export type BallotResult = z.infer<typeof BallotResultSchema>;

/** `ct vote`: one file per voter per trace; voting again changes the same file. */
export async function castVote(
  store: Store,
  input: VoteInput,
  options: { noPublish?: boolean; log?: (message: string) => void } = {},
): Promise<BallotResult> {
  const vote = parseInput(VoteInputSchema, input, {
    code: 'invalid-input',
    hint: 'ct vote <id> up|down [--reason "..."]',
  });
  if (vote.vote === 'down' && !vote.reason)
    throw new InvalidInputError(
      'reason-required',
      'a down-vote needs a reason',
      'say what was wrong: ct vote <id> down --reason "fails on Node 22: ..."',
    );
  const content = stringify(
    VoteFileSchema.parse({
      vote: vote.vote,
      ...(vote.reason ? { reason: vote.reason } : {}),
      at: new Date().toISOString(),
    }),
  );
  return writeBallot(store, {
    kind: 'vote',
    id: vote.id,
    content,
    same: (old) =>
      VoteFileSchema.safeParse(parseYaml(old)).data?.vote === vote.vote &&
      (VoteFileSchema.safeParse(parseYaml(old)).data?.reason ?? '') === (vote.reason ?? ''),
    title: (t) => `Vote ${vote.vote} on ${t.id}: ${t.title}`,
    body: vote.reason ?? '',
    direct: store.config.policy.direct_push_votes,
    ...options,
  });
}

/** `ct flag`: asks reviewers to look; marks the trace disputed (ranked down, never hidden). */
export async function raiseFlag(
  store: Store,
  input: FlagInput,
  options: { noPublish?: boolean; log?: (message: string) => void } = {},
): Promise<BallotResult> {
  const flag = parseInput(FlagInputSchema, input, {
    code: 'invalid-input',
    hint: 'ct flag <id> --reason wrong|outdated|unsafe|duplicate|spam [--note "..."]',
  });
  if (flag.reason === 'duplicate' && !flag.duplicate_of)
    throw new InvalidInputError(
      'duplicate-of-required',
      'a duplicate flag needs the id of the trace it duplicates',
      'add --duplicate-of <id>',
    );
  const content = stringify(
    FlagFileSchema.parse({
      reason: flag.reason,
      ...(flag.note ? { note: flag.note } : {}),
      ...(flag.duplicate_of ? { duplicate_of: flag.duplicate_of } : {}),
      at: new Date().toISOString(),
    }),
  );
  return writeBallot(store, {
    kind: 'flag',
    id: flag.id,
    content,
    same: (old) =>
      FlagFileSchema.safeParse(parseYaml(old)).data?.reason === flag.reason &&
      (FlagFileSchema.safeParse(parseYaml(old)).data?.note ?? '') === (flag.note ?? ''),
    title: (t) => `Flag ${t.id} as ${flag.reason}: ${t.title}`,
    body: flag.note ?? '',
    direct: false,
    ...options,
  });
}

async function writeBallot(
  store: Store,
  ballot: {
    kind: 'vote' | 'flag';
    id: string;
    content: string;
    same: (old: string) => boolean;
    title: (t: { id: string; title: string }) => string;
    body: string;
    direct: boolean;
    noPublish?: boolean;
    log?: (message: string) => void;
  },
): Promise<BallotResult> {
  const base = await resolveBase(store);
  const trace = await findTraceAnywhere(store.root, ballot.id, base.ref);
  const identity = await requireGitIdentity(store.root);
  const key = voterKey(identity.email);
  const file = `${ballot.kind === 'vote' ? 'votes' : 'flags'}/${trace.id}/${key}.yml`;
  const warnings: string[] = [];
  const author = await traceAuthorEmail(store.root, trace.path, base.ref);
  if (ballot.kind === 'vote' && author && author.toLowerCase() === identity.email.toLowerCase())
    warnings.push('this is your own trace: votes by its author do not count toward its trust');
  // The reason or note lands in the file, the commit message and the pull request: scan it first.
  blockingProblems(store, await findSecretProblems(file, ballot.content, store.config), ballot.content);
  const old = await readFileAtRef(store.root, base.ref, file);
  const branch = `ct/${ballot.kind}/${trace.id.slice(-8).toLowerCase()}-${key.slice(0, 8)}`;
  if (old !== undefined && ballot.same(old)) {
    return {
      id: trace.id,
      path: file,
      branch,
      commit: '',
      changed: false,
      warnings: [...warnings, `your ${ballot.kind} is already in the store; nothing to do`],
      publish: null,
    };
  }
  const notice = await localOnlyNotice(store, ballot.kind);
  if (notice) {
    ballot.log?.(notice);
    warnings.push(notice);
  }
  const sign = await signingFor(store, identity.email, warnings);
  const title = ballot.title(trace);
  // A second vote before the first was merged replaces the pending branch: one voter, one file.
  const committed = await commitToNewBranch(store.root, {
    sign,
    branch,
    base: base.ref,
    changes: [{ path: file, content: ballot.content }],
    message: `${title}\n\n${ballot.body}\n\nTrace-Id: ${trace.id}\nVoter: ${key}\n`,
    author: identity,
    replace: true,
  });
  let publish = null;
  if (!ballot.noPublish) {
    // replace: the branch may hold this voter's earlier, unmerged vote, which this one supersedes.
    publish = await publishAndRecord(store, {
      branch,
      title,
      body: `${ballot.body || title}\n\nFile: \`${file}\``,
      kind: ballot.kind,
      direct: ballot.direct,
      replace: true,
    });
    // A direct push can lose a race with another voter; a pull request always works.
    if (ballot.direct && publish.status === 'local')
      publish = await publishAndRecord(store, {
        branch,
        title,
        body: ballot.body || title,
        kind: ballot.kind,
        replace: true,
      });
  }
  return { id: trace.id, path: file, branch, commit: committed.commit, changed: true, warnings, publish };
}

/**
 * Whether to sign a ballot commit, decided before anything is written: always when the store
 * counts only signed votes (then a missing key is an error with the way to set one up, and an
 * e-mail the store's allowed-signers file does not list is a warning), else as the user's git does.
 */
async function signingFor(store: Store, email: string, warnings: string[]): Promise<boolean> {
  if (!store.config.policy.require_signed_votes) return signsCommits(store.root);
  if (!(await getSigningKey(store.root)))
    throw new CtError(
      'signing-key-missing',
      `store "${store.name}" counts only signed votes and flags (ct.yml policy.require_signed_votes), and git has no signing key here`,
      {
        hint:
          'set one up: ssh-keygen -t ed25519 -f ~/.ssh/ct_signing && git config --global gpg.format ssh && ' +
          'git config --global user.signingkey ~/.ssh/ct_signing.pub; then ask the maintainers to add ' +
          `"${email} <your public key>" to the store's ${store.config.policy.allowed_signers} file`,
        exit: ExitCode.git,
      },
    );
  const listed = await fs
    .readFile(path.join(store.root, store.config.policy.allowed_signers), 'utf8')
    .then((text) =>
      text.split('\n').some(
        (line) =>
          line
            .trim()
            .split(/[\s,]+/)[0]
            ?.toLowerCase() === email.toLowerCase(),
      ),
    )
    .catch(() => undefined);
  if (listed === false)
    warnings.push(
      `${email} is not in the store's ${store.config.policy.allowed_signers} file: your signed vote or flag will not count ` +
        'until the maintainers add your key',
    );
  return true;
}

/** The email of the commit that added a trace file (following renames). */
export async function traceAuthorEmail(root: string, file: string, ref = 'HEAD'): Promise<string | undefined> {
  const out = await runGit(root, ['log', ref, '--follow', '--diff-filter=A', '--format=%ae', '--', file]).then(
    (r) => r.stdout.trim().split('\n').pop(),
    () => undefined,
  );
  return out || undefined;
}

function parseYaml(text: string): unknown {
  try {
    return parseYamlSafely(text);
  } catch {
    return undefined;
  }
}
