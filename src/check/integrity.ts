import { voterKey } from '../ballot/schema.js';
import { readSignatures, signersAt } from '../ballot/signatures.js';
import { verifyBallotWrite, WRITE_VERDICTS, type WriteVerdict } from '../ballot/verify.js';
import { UsageError } from '../errors.js';
import { type LogRecord, readLog } from '../git/log.js';
import { runGit } from '../git/run.js';
import type { StoreConfig } from '../store/config.js';
import { TRACES_DIR } from '../store/load.js';
import type { Problem } from '../trace/problem.js';
import { defaultSeverity } from './rules.js';

export interface IntegrityOptions {
  /** The pull request's base: a branch, tag or commit (in CI: origin/<base branch>). */
  base: string;
  config: StoreConfig;
  /** Trace ids in the checkout: removing the votes of a removed trace is allowed. */
  liveIds: ReadonlySet<string>;
}

export interface IntegrityReport {
  base: string;
  /** Commits in base..HEAD. */
  commits: number;
  /** Trace files added in base...HEAD (net: a trace added and removed again does not count). */
  tracesAdded: number;
  problems: Problem[];
}

const BALLOT_PATH = /^(votes|flags)\/([^/]+)\/([^/]+)\.yml$/;

/**
 * The history rules of `ct check --base <ref>` over the commits a pull request brings
 * (base..HEAD): each vote or flag file is written only by the voter it is named after (signed,
 * where ct.yml asks for it), and the pull request adds at most policy.max_traces_per_pr traces.
 * Two `git log`/`diff` runs for the whole range, plus `git verify-commit` for each commit that
 * writes a ballot when signatures are required.
 */
export async function checkIntegrity(root: string, options: IntegrityOptions): Promise<IntegrityReport> {
  const { base, config } = options;
  // A ref never starts with "-": refuse what git would read as an option.
  if (base.startsWith('-'))
    throw new UsageError(`--base ${base} is not a git ref`, 'pass a branch, tag or commit, e.g. --base origin/main', {
      base,
    });
  await runGit(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]).catch(() => {
    throw new UsageError(
      `--base ${base} is not a commit in ${root}`,
      'pass the branch the pull request targets, fetched with its history (CI: actions/checkout with ' +
        'fetch-depth: 0, then --base origin/main)',
      { base },
    );
  });
  const range = `${base}..HEAD`;
  const [commits, count, added] = await Promise.all([
    readLog(root, { revisions: [range], paths: ['votes/', 'flags/'], renames: false, merges: 'combined' }),
    runGit(root, ['rev-list', '--count', range]).then((r) => Number(r.stdout.trim())),
    addedTraces(root, base),
  ]);
  const problems: Problem[] = [];
  const requireSigned = config.policy.require_signed_votes;
  const ballotCommits = commits.filter((c) => c.changes.some((change) => BALLOT_PATH.test(change.path)));
  const signatures = requireSigned ? await signaturesAgainstBase(root, base, ballotCommits, config) : undefined;
  for (const commit of ballotCommits) {
    const write = {
      commit: commit.commit,
      author: commit.author.email,
      committer: commit.committer.email,
      signature: signatures?.get(commit.commit),
    };
    for (const change of commit.changes) {
      const match = BALLOT_PATH.exec(change.path);
      if (!match) continue; // a misplaced file: the file rules report it when it is still there
      const [kind, traceId, voter] = [match[1] as 'votes' | 'flags', match[2] as string, match[3] as string];
      // Removing the ballots of a trace that was removed is cleanup, which `ct check` asks for.
      if (change.status === 'D' && !options.liveIds.has(traceId)) continue;
      const verdict = verifyBallotWrite(write, voter, requireSigned);
      if (verdict === 'ok') continue;
      problems.push(ballotProblem(verdict, { commit, file: change.path, kind, voter, status: change.status }));
    }
  }
  if (added.length > config.policy.max_traces_per_pr) {
    const max = config.policy.max_traces_per_pr;
    problems.push({
      file: TRACES_DIR,
      rule: 'store/too-many-traces',
      severity: defaultSeverity('store/too-many-traces'),
      message: `${added.length} traces are added since ${base}; ct.yml policy.max_traces_per_pr allows ${max}`,
      hint: `split the contribution into pull requests of at most ${max} traces (reviewers read each one), or raise policy.max_traces_per_pr in ct.yml`,
    });
  }
  return { base, commits: count, tracesAdded: added.length, problems };
}

/**
 * Signatures checked against the allowed-signers file of the base: a pull request cannot add the
 * key it signs with. Without that file, the user's git configuration (CI's keyring) decides.
 */
async function signaturesAgainstBase(root: string, base: string, commits: readonly LogRecord[], config: StoreConfig) {
  const signers = await signersAt(root, base, config.policy.allowed_signers);
  try {
    return await readSignatures(
      root,
      commits.map((c) => c.commit),
      signers.file,
    );
  } finally {
    await signers.cleanup();
  }
}

/** The problem for a ballot change that verifyBallotWrite refused, in words a contributor can act on. */
function ballotProblem(
  verdict: Exclude<WriteVerdict, 'ok'>,
  at: { commit: LogRecord; file: string; kind: 'votes' | 'flags'; voter: string; status: string },
): Problem {
  const what = at.kind === 'votes' ? 'vote' : 'flag';
  const verb = at.status === 'D' ? 'deletes' : at.status === 'A' ? 'adds' : 'changes';
  const commit = `commit ${short(at.commit.commit)}`;
  const own = `cast your own with \`ct ${what}\` (it is named after your git email) and drop this change from the branch`;
  if (verdict === 'unsigned')
    return {
      file: at.file,
      rule: 'votes/unsigned',
      severity: defaultSeverity('votes/unsigned'),
      message:
        `${commit} writes this ballot without a good signature by its voter ` +
        `(${WRITE_VERDICTS.unsigned}); ct.yml policy.require_signed_votes is on`,
      hint:
        'sign the commit with a key listed for your e-mail in the allowed-signers file the store names ' +
        '(ct.yml policy.allowed_signers): git config gpg.format ssh, git config user.signingkey <key>, ' +
        'then `ct vote` again; or a store may turn policy.require_signed_votes off',
    };
  const author = voterKey(at.commit.author.email);
  return {
    file: at.file,
    rule: 'votes/wrong-voter',
    severity: defaultSeverity('votes/wrong-voter'),
    message:
      verdict === 'wrong-voter'
        ? `${commit} ${verb} the ${what} of voter ${at.voter}, but its author's voter key is ${author}`
        : `${commit} ${verb} the ${what} of voter ${at.voter}, authored by that voter but committed by someone else ` +
          `(committer voter key ${voterKey(at.commit.committer.email)})`,
    hint: `a ${what} file is written only by its voter, who also commits it: ${own}`,
  };
}

/** Trace files added between the merge base of `base` and HEAD, renames not counted. */
async function addedTraces(root: string, base: string): Promise<string[]> {
  const diff = (range: string[]) =>
    runGit(root, [
      'diff',
      '-z',
      '--name-only',
      '-M',
      '--diff-filter=A',
      '--no-ext-diff',
      ...range,
      '--',
      `${TRACES_DIR}/`,
    ]);
  // Unrelated histories have no merge base: compare the trees then.
  const out = await diff([`${base}...HEAD`]).catch(() => diff([base, 'HEAD']));
  return out.stdout.split('\0').filter((f) => f.endsWith('.md'));
}

const short = (hash: string) => hash.slice(0, 10);
