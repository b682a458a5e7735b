import data from './data/gitleaks-rules.json' with { type: 'json' };
import { shannonEntropy } from './entropy.js';
import type { GitleaksAllowlist, GitleaksRule, GitleaksRuleSet } from './gitleaks-types.js';
import { translateRe2 } from './re2-to-js.js';
import type { SecretMatch } from './secret-match.js';

interface CompiledAllowlist {
  and: boolean;
  target: 'secret' | 'match' | 'line';
  regexes: RegExp[];
  stopwords: string[];
}

interface CompiledRule {
  rule: GitleaksRule;
  regex: RegExp;
  keywords: string[];
  allowlists: CompiledAllowlist[];
}

const RULE_SET = data as unknown as GitleaksRuleSet;

/** Where gitleaks' rules come from (for `ct check --rules` and the docs). */
export const GITLEAKS_SOURCE = RULE_SET.source;

let compiled: { rules: CompiledRule[]; global: CompiledAllowlist | undefined } | undefined;

function compile(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateRe2(pattern);
  return new RegExp(source, flags + extraFlags);
}

function compileAllowlist(list: GitleaksAllowlist): CompiledAllowlist {
  return {
    and: list.condition === 'AND',
    target: list.regexTarget ?? 'secret',
    regexes: (list.regexes ?? []).map((r) => compile(r)),
    stopwords: (list.stopwords ?? []).map((w) => w.toLowerCase()),
  };
}

/**
 * The rules, compiled once per process. A rule that gitleaks limits to some file paths (Terraform,
 * PHP, Kubernetes YAML...) runs on every trace, because a trace's code blocks hold every language;
 * a rule that matches only a path (a .p12 file) has nothing to match in text and is left out.
 * The generic rules run last, so a finding is named after its provider where one is known.
 */
function compiledRules(): NonNullable<typeof compiled> {
  compiled ??= {
    rules: RULE_SET.config.rules
      .filter((rule): rule is GitleaksRule & { regex: string } => rule.regex !== undefined)
      // Provider rules first: a GitLab token should be reported as one, not as a generic key.
      .sort((a, b) => Number(a.id.startsWith('generic')) - Number(b.id.startsWith('generic')))
      .map((rule) => ({
        rule,
        regex: compile(rule.regex, 'gd'),
        keywords: (rule.keywords ?? []).map((k) => k.toLowerCase()),
        allowlists: (rule.allowlists ?? []).map(compileAllowlist),
      })),
    global: RULE_SET.config.allowlist ? compileAllowlist(RULE_SET.config.allowlist) : undefined,
  };
  return compiled;
}

/** gitleaks' allowlist semantics: OR by default (any check), AND when asked (every configured check). */
function allows(list: CompiledAllowlist, found: { secret: string; match: string; line: string }): boolean {
  const checks: boolean[] = [];
  if (list.regexes.length > 0) {
    const target = found[list.target];
    checks.push(list.regexes.some((r) => r.test(target)));
  }
  if (list.stopwords.length > 0) {
    const secret = found.secret.toLowerCase();
    checks.push(list.stopwords.some((w) => secret.includes(w)));
  }
  if (checks.length === 0) return false;
  return list.and ? checks.every(Boolean) : checks.some(Boolean);
}

/**
 * Runs gitleaks' default rules over `text` with gitleaks' semantics: keyword pre-filter, the
 * secret is the rule's secret group (else the first non-empty group, else the match), an entropy
 * floor per rule, digits required in secrets of the generic rules, and the rule's and the global
 * allowlists.
 */
export function scanGitleaks(text: string): SecretMatch[] {
  const { rules, global } = compiledRules();
  const lower = text.toLowerCase();
  const found: SecretMatch[] = [];
  for (const { rule, regex, keywords, allowlists } of rules) {
    if (keywords.length > 0 && !keywords.some((k) => lower.includes(k))) continue;
    for (const m of text.matchAll(regex)) {
      const indices = m.indices as RegExpIndicesArray;
      let group = rule.secretGroup ?? 0;
      if (!rule.secretGroup) for (let g = 1; g < m.length && group === 0; g++) if (m[g]) group = g;
      const [start, end] = indices[group] ?? (indices[0] as [number, number]);
      const secret = text.slice(start, end);
      if (rule.entropy !== undefined) {
        if (shannonEntropy(secret) <= rule.entropy) continue;
        // gitleaks' own guard: a generic rule's secret must contain a digit.
        if (rule.id.startsWith('generic') && !/\d/.test(secret)) continue;
      }
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const lineEnd = text.indexOf('\n', m.index + m[0].length);
      const context = { secret, match: m[0], line: text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd) };
      if (allowlists.some((list) => allows(list, context))) continue;
      if (global && allows(global, context)) continue;
      found.push({ kind: rule.id, description: rule.description, start, end });
    }
  }
  return found;
}
