import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FlagFileSchema, VOTER_KEY_PATTERN, VoteFileSchema } from '../ballot/schema.js';
import { NotFoundError, UsageError } from '../errors.js';
import { runGit } from '../git/run.js';
import { CONFIG_FILE, normalizeTag, parseStoreConfig, type StoreConfig, StoreConfigSchema } from '../store/config.js';
import { readTraceFiles, TRACES_DIR, type TraceFile } from '../store/load.js';
import { FrontmatterError, parseYamlSafely } from '../trace/frontmatter.js';
import { compareProblems, type Problem, ProblemSchema } from '../trace/problem.js';
import { ULID_PATTERN } from '../trace/schema.js';
import { pathExists, walkFiles } from '../util/fs.js';
import { checkHistorySecrets } from './history-secrets.js';
import { scanInjection } from './injection.js';
import { checkIntegrity } from './integrity.js';
import { BASE_RULES, defaultSeverity } from './rules.js';
import { findSecretProblems } from './secret-problems.js';
import { findSimilarTitles } from './similar-titles.js';

export const CheckReportSchema = z.object({
  root: z.string().describe('The store checked.'),
  checked: z.number().int().describe('Files checked (in scope).'),
  traces: z.number().int().describe('Trace files in the store.'),
  errors: z.number().int(),
  warnings: z.number().int(),
  ok: z.boolean().describe('True when there are no errors.'),
  problems: z.array(ProblemSchema),
  base: z.string().nullable().describe('The --base ref whose commits (base..HEAD) were checked; null without --base.'),
  commits: z.number().int().nullable().describe('Commits in base..HEAD; null without --base.'),
  skipped_rules: z.array(z.string()).describe('Rules not applied: the history rules need --base.'),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;

export interface CheckOptions {
  /** Files or folders (absolute, or relative to `cwd`) to check; the whole store when empty. */
  paths?: readonly string[];
  cwd?: string;
  /**
   * Also check the commits in `<base>..HEAD` (vote and flag integrity, traces per change): the
   * rules of BASE_RULES, which are skipped without it.
   */
  base?: string;
}

/** The most problems of one rule reported for one file; the rest are counted in the last one. */
export const MAX_PROBLEMS_PER_RULE = 10;

/**
 * At most MAX_PROBLEMS_PER_RULE problems of a rule in a file (a file with 20,000 repeated sections
 * would otherwise print 19,999 of the same): the last one kept says how many more there are.
 */
export function capProblems(problems: readonly Problem[]): Problem[] {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(`${p.file}\0${p.rule}`, (counts.get(`${p.file}\0${p.rule}`) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: Problem[] = [];
  for (const p of problems) {
    const key = `${p.file}\0${p.rule}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > MAX_PROBLEMS_PER_RULE) continue;
    const more = (counts.get(key) ?? 0) - MAX_PROBLEMS_PER_RULE;
    out.push(
      n === MAX_PROBLEMS_PER_RULE && more > 0
        ? { ...p, message: `${p.message} (and ${more} more like this in this file)` }
        : p,
    );
  }
  return out;
}

/**
 * `ct check`: every rule of src/check/rules.ts over a store checkout, all problems in one run.
 * Store-wide rules (duplicate ids, similar titles) compare the files in scope with the whole store.
 */
export async function checkStore(root: string, options: CheckOptions = {}): Promise<CheckReport> {
  const problems: Problem[] = [];
  const config = await checkConfig(root, problems);
  const inScope = await scopeFilter(root, options.paths ?? [], options.cwd ?? process.cwd());
  const allFiles = await walkFiles(root, {
    onSymlink: (file) => {
      if (inScope(file))
        problems.push({
          file,
          rule: 'files/symlink',
          severity: 'error',
          message: 'a symbolic link: stores hold only regular files, and ct never follows links',
          hint: 'replace the link with the file itself, or remove it',
        });
    },
  });

  const traceFiles: string[] = [];
  for (const file of allFiles) {
    if (!file.startsWith(`${TRACES_DIR}/`)) continue;
    if (file.endsWith('.md')) traceFiles.push(file);
    else if (path.posix.basename(file) !== '.gitkeep' && inScope(file)) {
      problems.push({
        file,
        rule: 'files/not-a-trace',
        severity: 'error',
        message: 'only trace files (.md) belong under traces/',
        hint: 'move the file out of traces/ or delete it',
      });
    }
  }
  const traces = await readTraceFiles(root, traceFiles);
  const scoped = traces.filter((t) => inScope(t.file));
  for (const trace of scoped) problems.push(...(await checkTraceFile(trace, config)));
  problems.push(...checkStoreWide(traces, inScope));
  const validIds = new Set(traces.map((t) => t.parsed.data?.id).filter((id): id is string => typeof id === 'string'));
  const ballots = allFiles.filter(
    (f) => (f.startsWith('votes/') || f.startsWith('flags/')) && inScope(f) && path.posix.basename(f) !== '.gitkeep',
  );
  for (const file of ballots) {
    problems.push(...(await checkBallotFile(root, file, validIds)));
    const text = await readText(root, file);
    if (text !== undefined) problems.push(...(await findSecretProblems(file, text, config)));
  }
  const configText = await fs.readFile(path.join(root, CONFIG_FILE), 'utf8').catch(() => undefined);
  if (configText !== undefined && inScope(CONFIG_FILE))
    problems.push(...(await checkText(CONFIG_FILE, configText, config)));
  // Every other file that could be committed (README, workflows, notes...) is scanned for secrets.
  const committable = await committableFiles(root);
  const others = allFiles.filter(
    (f) =>
      inScope(f) &&
      !f.startsWith(`${TRACES_DIR}/`) &&
      !ballots.includes(f) &&
      f !== CONFIG_FILE &&
      (committable?.has(f) ?? true),
  );
  for (const file of others) {
    const text = await readText(root, file);
    if (text !== undefined) problems.push(...(await findSecretProblems(file, text, config)));
  }
  const integrity = options.base
    ? await checkIntegrity(root, { base: options.base, config, liveIds: validIds })
    : undefined;
  if (integrity) problems.push(...integrity.problems, ...(await checkHistorySecrets(root, integrity.base, config)));

  const all = applyPolicy(problems, config).sort(compareProblems);
  const final = capProblems(all);
  // Counted before the cap: the totals say how much is wrong, the list shows enough to fix it.
  const errors = all.filter((p) => p.severity === 'error').length;
  const checked = scoped.length + ballots.length + others.length + (inScope(CONFIG_FILE) ? 1 : 0);
  return {
    root,
    checked,
    traces: traces.length,
    errors,
    warnings: all.length - errors,
    ok: errors === 0,
    problems: final,
    base: integrity?.base ?? null,
    commits: integrity?.commits ?? null,
    skipped_rules: integrity ? [] : [...BASE_RULES],
  };
}

/** Tracked and untracked-but-not-ignored files; undefined outside a git checkout (then: every file). */
async function committableFiles(root: string): Promise<Set<string> | undefined> {
  const listed = await runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).catch(
    () => undefined,
  );
  return listed ? new Set(listed.stdout.split('\0').filter(Boolean)) : undefined;
}

/** A file's text, or undefined for binary files (a NUL byte) and files over 1 MiB. */
async function readText(root: string, file: string): Promise<string | undefined> {
  const buffer = await fs.readFile(path.join(root, file)).catch(() => undefined);
  if (!buffer || buffer.length > 1024 * 1024 || buffer.includes(0)) return undefined;
  return buffer.toString('utf8');
}

async function checkConfig(root: string, problems: Problem[]): Promise<StoreConfig> {
  const fallback = StoreConfigSchema.parse({ name: 'store', schema_version: 1 });
  const text = await fs.readFile(path.join(root, CONFIG_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) {
    problems.push({
      file: CONFIG_FILE,
      rule: 'config/invalid',
      severity: 'error',
      message: 'ct.yml is missing: this is not a CommonTrace store',
      hint: 'create the store with `ct init`, or add a ct.yml with name and schema_version: 1',
    });
    return fallback;
  }
  const { config, issues } = parseStoreConfig(text);
  for (const issue of issues) {
    problems.push({
      file: CONFIG_FILE,
      rule: 'config/invalid',
      severity: 'error',
      message: `${issue.field}: ${issue.message}`,
      hint: 'see the comments in ct.yml of a new store (`ct init`) for every field',
      field: issue.field,
      ...(issue.line ? { line: issue.line } : {}),
    });
  }
  return config ?? fallback;
}

export async function checkTraceFile(traceFile: TraceFile, config: StoreConfig): Promise<Problem[]> {
  const { file, text, parsed } = traceFile;
  const problems: Problem[] = [...parsed.problems];
  const data = parsed.data;
  const lines = text.split('\n');
  const lineOf = (prefix: string) => {
    const i = lines.findIndex((l) => l.startsWith(prefix));
    return i === -1 ? undefined : i + 1;
  };
  const tags = Array.isArray(data?.tags) ? (data.tags as unknown[]) : [];
  const seen = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const lowered = normalizeTag(tag);
    const canonical = normalizeTag(tag, config.tags.aliases);
    if (lowered !== tag) {
      problems.push({
        file,
        line: lineOf('tags:'),
        field: 'tags',
        rule: 'trace/tag-not-normalised',
        severity: 'error',
        message: `tag "${tag}" is not normalised`,
        hint: `write it as "${canonical}"`,
      });
    } else if (canonical !== tag) {
      problems.push({
        file,
        line: lineOf('tags:'),
        field: 'tags',
        rule: 'trace/tag-alias',
        severity: 'warning',
        message: `tag "${tag}" is an alias of "${canonical}" in ct.yml`,
        hint: `use "${canonical}"`,
      });
    }
    if (seen.has(canonical))
      problems.push({
        file,
        line: lineOf('tags:'),
        field: 'tags',
        rule: 'trace/duplicate-tag',
        severity: 'error',
        message: `tag "${canonical}" appears more than once`,
        hint: 'list each tag once',
      });
    seen.add(canonical);
  }
  const first = tags[0];
  if (typeof first === 'string') {
    const folder = path.posix.dirname(file);
    const expected = `${TRACES_DIR}/${normalizeTag(first, config.tags.aliases)}`;
    if (folder !== expected) {
      problems.push({
        file,
        rule: 'trace/folder-mismatch',
        severity: 'warning',
        message: `the trace is in ${folder}/ but its first tag is "${first}"`,
        hint: `move it to ${expected}/ (the folder routes review through CODEOWNERS)`,
      });
    }
  }
  if (
    typeof data?.created === 'string' &&
    data.created > new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10)
  ) {
    problems.push({
      file,
      line: lineOf('created:'),
      field: 'created',
      rule: 'trace/future-date',
      severity: 'warning',
      message: `created ${data.created} lies in the future`,
      hint: 'use the date the trace was written',
    });
  }
  problems.push(...(await checkText(file, text, config)));
  return problems;
}

/** Secrets and prompt-injection patterns: for any text file of the store. */
async function checkText(file: string, text: string, config: StoreConfig): Promise<Problem[]> {
  const problems = await findSecretProblems(file, text, config);
  for (const finding of scanInjection(text, { trustedDomains: config.policy.trusted_domains })) {
    problems.push({
      file,
      line: finding.line,
      rule: finding.rule,
      severity: defaultSeverity(finding.rule),
      message: finding.message,
      hint: finding.hint,
    });
  }
  return problems;
}

function checkStoreWide(traces: readonly TraceFile[], inScope: (file: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, TraceFile[]>();
  for (const trace of traces) {
    const id = trace.parsed.data?.id;
    if (typeof id !== 'string' || !ULID_PATTERN.test(id)) continue;
    byId.set(id, [...(byId.get(id) ?? []), trace]);
  }
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const trace of group.filter((t) => inScope(t.file))) {
      const others = group.filter((t) => t !== trace).map((t) => t.file);
      problems.push({
        file: trace.file,
        line: 2,
        field: 'id',
        rule: 'store/duplicate-id',
        severity: 'error',
        message: `id ${id} is also used by ${others.join(', ')}`,
        hint: 'give the newer trace a new ULID (ids must be unique; renaming a file keeps its id)',
      });
    }
  }
  const titled = traces.filter((t) => typeof t.parsed.data?.title === 'string');
  for (const pair of findSimilarTitles(
    titled.map((t) => t.parsed.data?.title as string),
    0.8,
    (i) => inScope((titled[i] as TraceFile).file),
  )) {
    const a = titled[pair.a] as TraceFile;
    const b = titled[pair.b] as TraceFile;
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!inScope(self.file)) continue;
      const how =
        pair.similarity === 1 ? 'the same title as' : `a title ${Math.round(pair.similarity * 100)}% similar to`;
      problems.push({
        file: self.file,
        field: 'title',
        rule: 'store/similar-title',
        severity: 'warning',
        message: `${how} ${other.file}`,
        hint:
          'if both solve the same problem, amend one and flag the other as a duplicate; otherwise make ' +
          'the titles say how they differ',
      });
    }
  }
  for (const trace of traces.filter((t) => inScope(t.file))) {
    const supersedes = trace.parsed.trace?.supersedes ?? [];
    for (const id of supersedes) {
      if (!byId.has(id))
        problems.push({
          file: trace.file,
          field: 'supersedes',
          rule: 'store/unknown-supersedes',
          severity: 'warning',
          message: `supersedes ${id}, which is not in the store`,
          hint: 'check the id',
        });
    }
  }
  return problems;
}

async function checkBallotFile(root: string, file: string, validIds: ReadonlySet<string>): Promise<Problem[]> {
  const isVote = file.startsWith('votes/');
  const rule = isVote ? 'files/invalid-vote' : 'files/invalid-flag';
  const kind = isVote ? 'votes' : 'flags';
  const problem = (message: string, hint: string, line?: number): Problem[] => [
    { file, rule, severity: 'error', message, hint, ...(line ? { line } : {}) },
  ];
  const parts = file.split('/');
  if (parts.length !== 3 || !parts[2]?.endsWith('.yml'))
    return problem(
      `${kind}/ holds only ${kind}/<trace-id>/<voter>.yml files`,
      `use \`ct ${isVote ? 'vote' : 'flag'}\`, which writes the file in the right place`,
    );
  const [, id, name] = parts as [string, string, string];
  if (!ULID_PATTERN.test(id) || !validIds.has(id))
    return problem(
      `no trace with id ${id} exists in this store`,
      'check the trace id, or remove the file if the trace was deleted',
    );
  if (!VOTER_KEY_PATTERN.test(name.slice(0, -4)))
    return problem(
      `"${name}" is not a voter key (16 hex characters from the author's email)`,
      `use \`ct ${isVote ? 'vote' : 'flag'}\` to write it`,
    );
  let data: unknown;
  try {
    data = parseYamlSafely(await fs.readFile(path.join(root, file), 'utf8'));
  } catch (e) {
    if (e instanceof FrontmatterError)
      return problem(e.message.replace('frontmatter', 'the file'), 'write valid YAML', e.line);
    throw e;
  }
  const result = (isVote ? VoteFileSchema : FlagFileSchema).safeParse(data);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) =>
    problem(
      `${issue.path.join('.') || '(file)'}: ${issue.message}`,
      isVote
        ? 'a vote file is: vote: up|down, reason: <text>, at: <ISO date>'
        : 'a flag file is: reason: wrong|outdated|unsafe|duplicate|spam, note: <text>, duplicate_of: <id>, at: <ISO date>',
    ),
  );
}

function applyPolicy(problems: readonly Problem[], config: StoreConfig): Problem[] {
  const overrides = config.policy.rules;
  return problems.flatMap((p) => {
    const level = overrides[p.rule];
    if (level === 'off') return [];
    return [level ? { ...p, severity: level } : p];
  });
}

async function scopeFilter(root: string, paths: readonly string[], cwd: string): Promise<(file: string) => boolean> {
  if (paths.length === 0) return () => true;
  const prefixes: string[] = [];
  for (const p of paths) {
    const absolute = path.resolve(cwd, p);
    const relative = path.relative(root, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative))
      throw new UsageError(
        `${p} is not inside the store ${root}`,
        'pass paths inside the store checkout, or choose the store with --store',
      );
    if (!(await pathExists(absolute)))
      throw new NotFoundError('path-not-found', `${p} does not exist`, 'pass existing files or folders of the store');
    prefixes.push(relative.split(path.sep).join('/'));
  }
  return (file) => prefixes.some((prefix) => prefix === '' || file === prefix || file.startsWith(`${prefix}/`));
}
