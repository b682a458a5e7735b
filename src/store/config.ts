import fs from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { FrontmatterError, parseYamlSafely } from '../trace/frontmatter.js';
import { TAG_PATTERN } from '../trace/schema.js';
import { refuseSymlinks } from '../util/fs.js';
import { parseAllowEntry } from './allow-entry.js';

export const STORE_SCHEMA_VERSION = 1;
export const CONFIG_FILE = 'ct.yml';

const RuleLevelSchema = z.enum(['error', 'warning', 'off']);

const SecretAllowEntrySchema = z.string().superRefine((entry, ctx) => {
  const parsed = parseAllowEntry(entry);
  if ('error' in parsed)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(entry)}: ${parsed.error}; write the exact value to allow, or /regex/flags`,
    });
});

/** A floor for one `ct eval` metric: below it, `ct eval` exits non-zero (the store's CI gate). */
const metricFloor = (metric: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(`ct eval fails when the mean ${metric} over the store's labelled queries is below this (0..1).`);

/** `ct.yml`: a store's name, schema version, embedding model, policy and tag aliases. */
export const StoreConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a store name is lowercase letters, digits, - and _ (at most 64)')
      .describe('The store name.'),
    description: z.string().max(500).optional(),
    visibility: z
      .enum(['public', 'private'])
      .default('public')
      .describe(
        'private: a team or personal store. Contributing a trace that matches one of its traces into a public ' +
          'store needs --force, so nothing leaks by accident.',
      ),
    schema_version: z
      .literal(STORE_SCHEMA_VERSION)
      .describe(`The trace format version; ${STORE_SCHEMA_VERSION} today.`),
    embedding: z
      .object({
        model: z.string().min(1).optional().describe('The embedding model id the published index uses.'),
        adapt: z
          .boolean()
          .optional()
          .describe(
            "Adapt the default embedding table to this store's own traces at each full build (default false; " +
              'measure it with ct eval first; never for a shipped or object-storage index).',
          ),
      })
      .strict()
      .optional(),
    index: z
      .object({
        shipped: z
          .boolean()
          .default(false)
          .describe(
            "Clients fetch the index the store's CI built and signed (`ct index --export`) instead of embedding " +
              'every trace themselves; a pack that fails verification is refused and the index built locally.',
          ),
        ref: z
          .string()
          .regex(/^refs\/[\w./-]+$/, 'a git ref under refs/, e.g. refs/ct/index')
          .default('refs/ct/index')
          .describe('The git ref the shipped index is published on.'),
        signers: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Principals (e-mail addresses in allowed_signers) whose signature on the index manifest is accepted; ' +
              'empty: any key allowed_signers lists for the ct-index namespace.',
          ),
        remote: z
          .string()
          .regex(/^(s3|gs|az):\/\/[^/]+(\/.*)?$/, 's3://bucket/prefix (or gs://, az://)')
          .optional()
          .describe('A LanceDB dataset on object storage that clients query in place instead of a local index.'),
        storage_options: z
          .record(z.string(), z.string())
          .default({})
          .describe(
            "LanceDB storageOptions for `remote` (endpoint, region, allowHttp...); credentials come from the environment's " +
              'AWS_* variables, never from ct.yml.',
          ),
      })
      .strict()
      .prefault({}),
    forge: z
      .object({
        type: z
          .enum(['github', 'gitlab', 'gitea', 'git'])
          .optional()
          .describe('How pull requests are opened; default: guessed from the remote URL.'),
        api_url: z
          .string()
          .url()
          .optional()
          .describe('GitHub API base URL (GitHub Enterprise), e.g. https://github.example.com/api/v3.'),
        repository: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name')
          .optional()
          .describe('owner/name on the forge, when the remote URL does not say.'),
        remote: z.string().min(1).default('origin').describe('The git remote to push to.'),
        base_branch: z
          .string()
          .min(1)
          .optional()
          .describe("The branch pull requests target; default: the remote's default branch, else main."),
        timeout_seconds: z
          .number()
          .int()
          .min(1)
          .max(600)
          .default(30)
          .describe('Limit for each network step (push, API call).'),
      })
      .strict()
      .prefault({}),
    policy: z
      .object({
        validated_after: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(2)
          .describe('Up-votes from distinct non-authors that make a trace validated.'),
        max_traces_per_pr: z
          .number()
          .int()
          .min(1)
          .max(10000)
          .default(10)
          .describe('The most traces one pull request may add.'),
        direct_push_votes: z.boolean().default(false).describe('Votes may be pushed to the main branch without a PR.'),
        require_signed_votes: z
          .boolean()
          .default(false)
          .describe('Votes and flags count only from commits with a good signature by their voter.'),
        allowed_signers: z
          .string()
          .min(1)
          .default('allowed_signers')
          .describe(
            "The store's SSH allowed-signers file (git's format: e-mail, then key) that vote signatures are checked " +
              "against; when it is absent, the user's gpg.ssh.allowedSignersFile and GPG keyring.",
          ),
        trusted_domains: z
          .array(z.string().min(1))
          .default([])
          .describe('Hosts whose install scripts may be piped to a shell without a warning.'),
        rules: z
          .record(z.string(), RuleLevelSchema)
          .default({})
          .describe('Per-rule severity overrides for ct check: error, warning or off.'),
        secrets: z
          .object({
            allow: z
              .array(SecretAllowEntrySchema)
              .max(500)
              .default([])
              .describe(
                'Values the secret scan lets through, besides placeholders and documented examples: a literal ' +
                  '(the exact value, or a longer text containing it) or /regex/flags (matched against the secret and its line).',
              ),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    search: z
      .object({
        lexical_weight: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe(
            'The weight of the full-text (BM25) side in the fusion with vector similarity for a trace of prose, 0 to 1 ' +
              "(default 0.75; 0.5 with an adapted embedding); with the default embedding a trace's weight is lowered " +
              "by 0.35 x its share of code. Fit it on the store's labelled queries with `ct eval --fit`.",
          ),
      })
      .strict()
      .optional(),
    eval: z
      .object({
        queries: z
          .string()
          .min(1)
          .default('eval/queries.yml')
          .describe('The labelled queries `ct eval` reads: a YAML list of { query, relevant: [trace ids] }.'),
        min_recall_at_5: metricFloor('recall@5'),
        min_recall_at_10: metricFloor('recall@10'),
        min_mrr_at_10: metricFloor('MRR@10'),
        min_ndcg_at_10: metricFloor('nDCG@10'),
      })
      .strict()
      .prefault({}),
    tags: z
      .object({
        aliases: z
          .record(z.string().min(1), z.string().regex(TAG_PATTERN, 'an alias must point to a normalised tag'))
          .default({})
          .describe('Alternative spellings mapped to the canonical tag, e.g. js: javascript.'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type StoreConfig = z.infer<typeof StoreConfigSchema>;

export interface ConfigIssue {
  field: string;
  message: string;
  line?: number;
}

/** Validates ct.yml text; returns the config or every issue found (never throws for bad content). */
export function parseStoreConfig(text: string): { config?: StoreConfig; issues: ConfigIssue[] } {
  let data: unknown;
  try {
    data = parseYamlSafely(text);
  } catch (e) {
    if (e instanceof FrontmatterError)
      return {
        issues: [
          {
            field: '(file)',
            message: e.message.replace('frontmatter', 'ct.yml'),
            ...(e.line ? { line: e.line - 1 } : {}),
          },
        ],
      };
    throw e;
  }
  const result = StoreConfigSchema.safeParse(data ?? {});
  if (result.success) return { config: result.data, issues: [] };
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return {
    issues: result.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.') || '(file)';
      // The line of the deepest node of the path that exists (the entry itself, or its parent).
      let line: number | undefined;
      for (let n = issue.path.length; n > 0 && line === undefined; n--) {
        const node = doc.getIn(issue.path.slice(0, n) as (string | number)[], true) as { range?: [number] } | undefined;
        if (node?.range) line = counter.linePos(node.range[0]).line;
      }
      return { field, message: issue.message, ...(line ? { line } : {}) };
    }),
  };
}

/** Reads and validates `<root>/ct.yml`, throwing a clear error when it is missing or invalid. */
export async function readStoreConfig(root: string): Promise<StoreConfig> {
  const file = path.join(root, CONFIG_FILE);
  await refuseSymlinks(root, CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new NotFoundError(
      'store-config-missing',
      `${file} does not exist: ${root} is not a CommonTrace store`,
      'create a store with `ct init <dir>`, or point --store at a store checkout',
    );
  }
  const { config, issues } = parseStoreConfig(text);
  if (!config) {
    const detail = issues.map((i) => `${i.field}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`).join('; ');
    throw new InvalidInputError(
      'store-config-invalid',
      `${file} is invalid: ${detail}`,
      'fix ct.yml (see the README of store-template) and run `ct check ct.yml`',
      { issues },
    );
  }
  return config;
}

/** The canonical form of a tag: lowercase, spaces and underscores to dashes, then ct.yml aliases. */
export function normalizeTag(tag: string, aliases: Record<string, string> = {}): string {
  const lowered = tag
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return aliases[lowered] ?? lowered;
}
