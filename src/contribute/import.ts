import fs from 'node:fs/promises';
import path from 'node:path';
import { ulid } from 'ulid';
import { z } from 'zod';
import { checkTraceFile } from '../check/run.js';
import { titleTokens } from '../check/similar-titles.js';
import { CtError, ExitCode, GitError, InvalidInputError, NotFoundError } from '../errors.js';
import { runGit } from '../git/run.js';
import { normalizeTag } from '../store/config.js';
import { listTraceFiles, readTraceFiles, TRACES_DIR } from '../store/load.js';
import type { Store } from '../store/store.js';
import { parseTrace } from '../trace/parse.js';
import type { Problem } from '../trace/problem.js';
import { serializeTrace, slugify } from '../trace/serialize.js';
import { refuseSymlinks, walkFiles } from '../util/fs.js';

/** One item of a CommonTrace JSON export. */
export const ExportItemSchema = z.object({
  title: z.string().describe('The trace title.'),
  context: z.string().describe('The problem, with the error message.'),
  solution: z.string().describe('What worked, and why.'),
  tags: z.array(z.string()).describe('Tags; normalised and resolved through ct.yml aliases on import.'),
  agent_model: z.string().optional(),
  agent_version: z.string().optional(),
});
export type ExportItem = z.infer<typeof ExportItemSchema>;

/** A candidate trace: the text of a trace file and where it came from (for the report). */
export interface ImportCandidate {
  source: string;
  text: string;
}

export const ImportReportSchema = z.object({
  store: z.string(),
  imported: z.array(z.object({ id: z.string(), title: z.string(), path: z.string(), source: z.string() })),
  skipped: z.array(z.object({ source: z.string(), reason: z.string(), problems: z.array(z.string()).optional() })),
  commit: z
    .string()
    .nullable()
    .describe('The commit that added the traces; null when nothing was imported or --dry-run.'),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

const titleKey = (title: string) => titleTokens(title).join(' ');

/**
 * Adds candidate traces to a store in one commit, idempotently: a candidate whose id or title is
 * already in the store (or earlier in the batch) is skipped with the reason, as is one that fails
 * any other `ct check` error rule (schema, prompt injection). A secret in any candidate stops the
 * whole import before anything is written (exit 9, every finding masked). Only the new files are committed;
 * the user's other staged or unstaged changes are left as they were. If the commit fails, the
 * written files are removed again.
 */
export async function importCandidates(
  store: Store,
  candidates: readonly ImportCandidate[],
  options: { message: string; author?: { name: string; email: string }; dryRun?: boolean },
): Promise<ImportReport> {
  const existing = await readTraceFiles(store.root, await listTraceFiles(store.root));
  const ids = new Map<string, string>();
  const titles = new Map<string, string>();
  for (const { file, parsed } of existing) {
    if (typeof parsed.data?.id === 'string') ids.set(parsed.data.id, file);
    if (typeof parsed.data?.title === 'string') titles.set(titleKey(parsed.data.title), file);
  }
  const report: ImportReport = { store: store.name, imported: [], skipped: [], commit: null };
  const planned: { file: string; text: string }[] = [];
  const taken = new Set(existing.map((e) => e.file));
  const tainted: Problem[] = [];
  for (const candidate of candidates) {
    const parsed = parseTrace(candidate.text, candidate.source);
    const id = typeof parsed.data?.id === 'string' ? parsed.data.id : undefined;
    const title = typeof parsed.data?.title === 'string' ? parsed.data.title : undefined;
    if (id && ids.has(id)) {
      report.skipped.push({ source: candidate.source, reason: `already in the store: ${ids.get(id)} has id ${id}` });
      continue;
    }
    if (title && titles.has(titleKey(title))) {
      report.skipped.push({
        source: candidate.source,
        reason: `already in the store: ${titles.get(titleKey(title))} has the same title`,
      });
      continue;
    }
    const firstTag =
      Array.isArray(parsed.data?.tags) && typeof parsed.data.tags[0] === 'string'
        ? normalizeTag(parsed.data.tags[0], store.config.tags.aliases)
        : 'misc';
    let file = `${TRACES_DIR}/${firstTag}/${slugify(title ?? 'trace')}.md`;
    for (let n = 2; taken.has(file); n++) file = `${TRACES_DIR}/${firstTag}/${slugify(title ?? 'trace')}-${n}.md`;
    const problems = (
      await checkTraceFile({ file, text: candidate.text, parsed: parseTrace(candidate.text, file) }, store.config)
    ).filter(isBlocking(store));
    const secrets = problems.filter((p) => p.rule === 'secrets/detected');
    if (secrets.length > 0) {
      tainted.push(...secrets.map((p) => ({ ...p, file: candidate.source })));
      continue;
    }
    if (problems.length > 0) {
      report.skipped.push({
        source: candidate.source,
        reason: `fails ct check (${problems.length} error(s))`,
        problems: problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.rule}: ${p.message}`),
      });
      continue;
    }
    taken.add(file);
    if (id) ids.set(id, file);
    if (title) titles.set(titleKey(title), file);
    planned.push({ file, text: candidate.text });
    report.imported.push({ id: id ?? '', title: title ?? '', path: file, source: candidate.source });
  }
  // A source that holds a secret is not imported in part: the user cleans it and imports again.
  if (tainted.length > 0) {
    const where = (p: Problem) => `${p.file}: line ${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}`;
    throw new CtError('secret-found', `secrets found, nothing was imported: ${tainted.map(where).join('; ')}`, {
      hint: 'replace each with a placeholder or an environment variable in the source and import again; if it was ever real, revoke and rotate it',
      exit: ExitCode.secretFound,
      data: { problems: tainted },
    });
  }
  if (planned.length === 0 || options.dryRun) return report;

  // Refused before anything is written: a linked folder in the store would take the files elsewhere.
  for (const { file } of planned) await refuseSymlinks(store.root, file);
  const written: string[] = [];
  try {
    for (const { file, text } of planned) {
      await fs.mkdir(path.dirname(path.join(store.root, file)), { recursive: true });
      await fs.writeFile(path.join(store.root, file), text, { flag: 'wx' });
      written.push(file);
    }
    const env: Record<string, string> = options.author
      ? { GIT_AUTHOR_NAME: options.author.name, GIT_AUTHOR_EMAIL: options.author.email }
      : {};
    await runGit(store.root, ['add', '--', ...written], { env });
    await runGit(
      store.root,
      ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', options.message, '--only', '--', ...written],
      { env },
    );
    report.commit = (await runGit(store.root, ['rev-parse', 'HEAD'])).stdout.trim();
  } catch (e) {
    await runGit(store.root, ['reset', '--quiet', '--', ...written]).catch(() => undefined);
    for (const file of written) await fs.rm(path.join(store.root, file), { force: true });
    throw new GitError(
      `could not commit the imported traces: ${(e as Error).message.trim().split('\n')[0]}`,
      'nothing was imported; check `git status` and your git identity, then run the import again',
      e,
    );
  }
  return report;
}

function isBlocking(store: Store): (p: Problem) => boolean {
  const overrides = store.config.policy.rules;
  return (p) => (overrides[p.rule] ?? p.severity) === 'error';
}

/** Candidates from a CommonTrace JSON export (an array of {title, context, solution, tags, ...}). */
export function candidatesFromExport(
  json: unknown,
  source: string,
  aliases: Record<string, string>,
  today = new Date().toISOString().slice(0, 10),
): { candidates: ImportCandidate[]; invalid: ImportReport['skipped'] } {
  if (!Array.isArray(json)) {
    throw new InvalidInputError(
      'import-not-array',
      `${source} is not a CommonTrace JSON export: expected an array of traces`,
      'an export looks like [{"title": "...", "context": "...", "solution": "...", "tags": ["..."]}]',
    );
  }
  const candidates: ImportCandidate[] = [];
  const invalid: ImportReport['skipped'] = [];
  json.forEach((raw, index) => {
    const where = `${source}[${index}]`;
    const item = ExportItemSchema.safeParse(raw);
    if (!item.success) {
      invalid.push({
        source: where,
        reason: 'not a valid export item',
        problems: item.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
      });
      return;
    }
    const { title, context, solution, tags, agent_model, agent_version } = item.data;
    const agent =
      agent_model || agent_version
        ? { ...(agent_model ? { model: agent_model } : {}), ...(agent_version ? { version: agent_version } : {}) }
        : undefined;
    const normalised = [...new Set(tags.map((t) => normalizeTag(t, aliases)))];
    const text = serializeTrace(
      {
        id: ulid(),
        title: title.trim(),
        tags: normalised,
        created: today,
        ...(agent ? { agent } : {}),
        status: 'active',
      },
      { context, solution },
    );
    candidates.push({ source: where, text });
  });
  return { candidates, invalid };
}

/** Candidates from a JSON export file, a trace file, or a folder of trace files. */
export async function readImportSource(
  target: string,
  aliases: Record<string, string>,
): Promise<{ candidates: ImportCandidate[]; invalid: ImportReport['skipped'] }> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat)
    throw new NotFoundError(
      'import-source-not-found',
      `${target} does not exist`,
      'pass a CommonTrace JSON export, a trace file, or a folder of trace files',
    );
  if (stat.isDirectory()) {
    const files = (await walkFiles(target)).filter((f) => f.endsWith('.md'));
    return {
      candidates: await Promise.all(
        files.map(async (f) => ({
          source: path.join(target, f),
          text: await fs.readFile(path.join(target, f), 'utf8'),
        })),
      ),
      invalid: [],
    };
  }
  const text = await fs.readFile(target, 'utf8');
  if (target.endsWith('.md')) return { candidates: [{ source: target, text }], invalid: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(
      'import-invalid-json',
      `${target} is not valid JSON: ${(e as Error).message}`,
      'pass a CommonTrace JSON export (an array of traces) or trace files (.md)',
    );
  }
  return candidatesFromExport(json, target, aliases);
}
