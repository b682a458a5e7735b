import { voterKey } from '../ballot/schema.js';
import { CtError, UsageError } from '../errors.js';
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
  const signing: { commit: LogRecord; file: string }[] = [];
  for (const commit of commits) {
    let writes: string | undefined;
    for (const change of commit.changes) {
      const match = BALLOT_PATH.exec(change.path);
      if (!match) continue; // a misplaced file: the file rules report it when it is still there
      const [kind, traceId, voter] = [match[1] as 'votes' | 'flags', match[2] as string, match[3] as string];
      if (change.status !== 'D') writes ??= change.path;
      // Removing the ballots of a trace that was removed is cleanup, which `ct check` asks for.
      if (change.status === 'D' && !options.liveIds.has(traceId)) continue;
      const author = voterKey(commit.author.email);
      if (voter === author) continue;
      const verb = change.status === 'D' ? 'deletes' : change.status === 'A' ? 'adds' : 'changes';
      problems.push({
        file: change.path,
        rule: 'votes/wrong-voter',
        severity: defaultSeverity('votes/wrong-voter'),
        message: `commit ${short(commit.commit)} ${verb} the ${kind === 'votes' ? 'vote' : 'flag'} of voter ${voter}, but its author's voter key is ${author}`,
        hint: `a ${kind === 'votes' ? 'vote' : 'flag'} file is written only by its voter: cast your own with \`ct ${kind === 'votes' ? 'vote' : 'flag'}\` (it is named after your git email) and drop this change from the branch`,
      });
    }
    if (writes) signing.push({ commit, file: writes });
  }
  if (config.policy.require_signed_votes) problems.push(...(await checkSignatures(root, signing)));
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

/** `git verify-commit` for each commit that writes a vote or flag file. */
async function checkSignatures(
  root: string,
  writes: readonly { commit: LogRecord; file: string }[],
): Promise<Problem[]> {
  const results = await Promise.all(
    writes.map(async ({ commit, file }) => {
      const failure = await runGit(root, ['verify-commit', commit.commit]).then(
        () => undefined,
        (e: unknown) => {
          const stderr = e instanceof CtError && typeof e.data?.stderr === 'string' ? e.data.stderr.trim() : '';
          return stderr.split('\n').filter(Boolean).slice(-1)[0] ?? 'no signature';
        },
      );
      if (failure === undefined) return undefined;
      const problem: Problem = {
        file,
        rule: 'votes/unsigned',
        severity: defaultSeverity('votes/unsigned'),
        message: `commit ${short(commit.commit)} writes this ballot but does not pass git verify-commit (${failure}); ct.yml policy.require_signed_votes is on`,
        hint:
          'sign the commit (git commit --amend -S, or git config commit.gpgsign true before `ct vote`) ' +
          'with a key the store knows (gpg.ssh.allowedSignersFile, or the GPG keyring in CI)',
      };
      return problem;
    }),
  );
  return results.filter((p): p is Problem => p !== undefined);
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
