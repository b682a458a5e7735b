import type { Severity } from '../trace/problem.js';

/**
 * Every rule `ct check` applies, with its default severity. A store may change a severity (or
 * turn a rule off) in ct.yml under `policy.rules`; this table is also the documented policy.
 */
export const RULES = {
  'config/invalid': { severity: 'error', summary: 'ct.yml is missing or does not match its schema' },
  'trace/too-large': { severity: 'error', summary: 'the trace file is larger than 256 KiB' },
  'trace/missing-frontmatter': {
    severity: 'error',
    summary: 'the file does not start with a closed "---" YAML frontmatter block',
  },
  'trace/frontmatter-engine': {
    severity: 'error',
    summary: 'the frontmatter names a language other than YAML (code-executing engines are refused)',
  },
  'trace/frontmatter-yaml': { severity: 'error', summary: 'the frontmatter is not valid YAML' },
  'trace/frontmatter-too-large': { severity: 'error', summary: 'the frontmatter is larger than 16 KiB' },
  'trace/frontmatter-too-deep': { severity: 'error', summary: 'the frontmatter nests deeper than 8 levels' },
  'trace/missing-field': { severity: 'error', summary: 'a required field (id, title, tags, created) is missing' },
  'trace/invalid-id': { severity: 'error', summary: 'the id is not a ULID' },
  'trace/invalid-title': { severity: 'error', summary: 'the title is not a single line of 10-120 characters' },
  'trace/invalid-tags': { severity: 'error', summary: 'tags are not 1-10 normalised tags' },
  'trace/invalid-date': { severity: 'error', summary: 'created or review_after is not a real YYYY-MM-DD date' },
  'trace/invalid-status': { severity: 'error', summary: 'status is not active or deprecated' },
  'trace/invalid-field': { severity: 'error', summary: 'another field does not match the trace format' },
  'trace/unknown-field': { severity: 'warning', summary: 'a frontmatter field the format does not define' },
  'trace/future-date': { severity: 'warning', summary: 'created lies in the future' },
  'trace/tag-not-normalised': { severity: 'error', summary: 'a tag is not in its normalised form' },
  'trace/tag-alias': { severity: 'warning', summary: 'a tag is an alias in ct.yml; use the canonical tag' },
  'trace/duplicate-tag': { severity: 'error', summary: 'the same tag appears twice' },
  'trace/missing-section': { severity: 'error', summary: 'the body lacks "## Context" or "## Solution"' },
  'trace/empty-section': { severity: 'error', summary: 'a section has no content' },
  'trace/duplicate-section': { severity: 'error', summary: 'a section appears twice' },
  'trace/section-order': { severity: 'error', summary: '"## Context" comes after "## Solution"' },
  'trace/unknown-section': {
    severity: 'warning',
    summary: 'an H2 section other than Context, Solution, Verification, Notes',
  },
  'trace/folder-mismatch': { severity: 'warning', summary: 'the trace is not in traces/<first-tag>/' },
  'store/duplicate-id': { severity: 'error', summary: 'two traces share an id' },
  'store/similar-title': { severity: 'warning', summary: 'two traces have identical or near-identical titles' },
  'store/unknown-supersedes': { severity: 'warning', summary: 'supersedes names an id that is not in the store' },
  'files/symlink': { severity: 'error', summary: 'a symbolic link anywhere in the store (never followed)' },
  'files/not-a-trace': { severity: 'error', summary: 'a file under traces/ is not a .md trace' },
  'files/invalid-vote': {
    severity: 'error',
    summary: 'a votes/<id>/<voter>.yml file is malformed or names an unknown trace',
  },
  'files/invalid-flag': {
    severity: 'error',
    summary: 'a flags/<id>/<voter>.yml file is malformed or names an unknown trace',
  },
  'votes/wrong-voter': {
    severity: 'error',
    summary: '(with --base) a commit writes or deletes a vote or flag file named after another voter than its author',
  },
  'votes/unsigned': {
    severity: 'error',
    summary:
      '(with --base) a commit that writes a vote or flag does not pass git verify-commit, where ' +
      'ct.yml sets policy.require_signed_votes',
  },
  'store/too-many-traces': {
    severity: 'error',
    summary: '(with --base) the change adds more traces than ct.yml policy.max_traces_per_pr',
  },
  'secrets/detected': {
    severity: 'error',
    summary:
      "a secret or credential: secretlint's recommended preset, gitleaks' default rules, provider formats, values of " +
      'secret-named keys, random-looking strings (placeholders, documented examples, policy.secrets.allow pass)',
  },
  'secrets/in-history': {
    severity: 'error',
    summary: '(with --base) a commit message or an earlier file version in the change holds a secret',
  },
  'injection/override-instructions': {
    severity: 'error',
    summary: 'text telling an agent to ignore or replace its instructions',
  },
  'injection/hidden-text': {
    severity: 'error',
    summary: 'zero-width or bidirectional control characters that hide or reorder text',
  },
  'injection/exfiltration': {
    severity: 'error',
    summary: 'a command that sends credentials or environment to the network',
  },
  'injection/remote-code': {
    severity: 'error',
    summary: 'downloaded or decoded content executed through eval or a shell',
  },
  'injection/html-comment': {
    severity: 'warning',
    summary: 'an HTML comment: invisible when rendered, visible to agents',
  },
  'injection/pipe-to-shell': {
    severity: 'warning',
    summary: 'an install script from a host not in policy.trusted_domains piped to a shell',
  },
  'injection/agent-directive': {
    severity: 'warning',
    summary: 'text that addresses the agent reading it rather than the problem',
  },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleId = keyof typeof RULES;

/**
 * Rules about the commits of a change rather than the files of the checkout: they run only with
 * `ct check --base <ref>` (in CI, the pull request's base), see integrity.ts.
 */
export const BASE_RULES = [
  'votes/wrong-voter',
  'votes/unsigned',
  'store/too-many-traces',
  'secrets/in-history',
] as const satisfies readonly RuleId[];

export function defaultSeverity(rule: string): Severity {
  return (RULES as Record<string, { severity: Severity }>)[rule]?.severity ?? 'error';
}
