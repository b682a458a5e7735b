import { extractCodeBlocks } from '../trace/sections.js';
import type { RuleId } from './rules.js';

/** One prompt-injection pattern found in a trace. */
export interface InjectionFinding {
  rule: RuleId;
  line: number;
  message: string;
  hint: string;
}

export interface InjectionOptions {
  /** Hosts (and their subdomains) whose install scripts may be piped to a shell. */
  trustedDomains?: readonly string[];
}

const OVERRIDE_PATTERNS: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|my|these|those|previous|prior|above|earlier|preceding|system|existing|other)\s+){1,4}(?:instructions?|prompts?|rules|guidelines|directives|guardrails)\b/i,
  /\bnew\s+(?:system\s+)?instructions\s*:/i,
  /\byou\s+are\s+now\s+(?:in\s+)?(?:developer|dan|jailbreak|god|unrestricted)\s*mode\b/i,
  /<\|(?:system|im_start|im_end|endoftext)\|>|\[\/?(?:INST|SYS)\]|<\/?system>/i,
  /\b(?:do\s+not|don'?t|never)\s+(?:tell|inform|alert|mention\s+(?:this\s+)?to)\s+the\s+user\b/i,
];

const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;

const NETWORK_SENDER =
  /\b(?:curl|wget|nc|ncat|netcat|socat|Invoke-WebRequest|Invoke-RestMethod|scp|rsync)\b|\bfetch\s*\(|requests\.post\s*\(/;
const SENSITIVE_SOURCE =
  /~\/\.ssh\b|\bid_(?:rsa|ed25519|ecdsa)\b|\.aws\/credentials|\.netrc\b|\.git-credentials|\.docker\/config\.json|\/etc\/(?:passwd|shadow)\b|\bprintenv\b|(?:^|[|;&]\s*)env\s*\||\$\{?(?:GITHUB_TOKEN|GH_TOKEN|AWS_SECRET_ACCESS_KEY|OPENAI_API_KEY|ANTHROPIC_API_KEY|NPM_TOKEN)\b|\.env\b(?!\.example)/;

const REMOTE_CODE = [
  /\beval\s+["']?\$\((?:curl|wget)\b/,
  /\bbase64\s+(?:-d|--decode)\b[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/,
  /\|\s*base64\s+(?:-d|--decode)\s*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/,
  /\bexec\s*\(\s*(?:urllib|requests)\b/,
];

const PIPE_TO_SHELL = [
  /\b(?:curl|wget)\b[^|\n]*?(https?:\/\/[^\s'"|)]+)[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:ba|z|da|k)?sh\b/,
  /\b(?:curl|wget)\b[^|\n]*?(https?:\/\/[^\s'"|)]+)[^|\n]*\|\s*(?:sudo\s+)?(?:python3?|node|perl|ruby)\b/,
  /\b(?:ba|z)?sh\s+(?:-c\s+["']?\$\(|<\()\s*(?:curl|wget)\b[^)\n]*?(https?:\/\/[^\s'"|)]+)/,
];

const AGENT_DIRECTIVE = [
  /\b(?:attention|note\s+to|message\s+(?:to|for))[,:]?\s+(?:the\s+)?(?:ai|llm|agent|assistant|claude|chatgpt|copilot)\b/i,
  /\b(?:ai|llm|coding)\s+(?:agents?|assistants?)\s*,?\s+(?:you\s+)?(?:must|should|need\s+to)\s+(?:now\s+|also\s+|always\s+|immediately\s+)?(?:run|execute|install|send|delete|remove|call|visit|upload|push)\b/i,
  /\bwhen\s+an?\s+(?:ai|llm|agent|assistant)\s+reads\s+this\b/i,
  /\bas\s+an?\s+(?:ai|llm)\s+(?:agent|assistant|model),?\s+you\s+(?:must|should)\b/i,
];

/**
 * Finds text aimed at the agent that will read a trace rather than at the problem it solves.
 * Severities come from the rule table (src/check/rules.ts) and the store's policy.
 */
export function scanInjection(text: string, options: InjectionOptions = {}): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  const lines = text.split('\n');
  const inCode = codeLines(text);
  const trusted = (options.trustedDomains ?? []).map((d) => d.toLowerCase());

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (OVERRIDE_PATTERNS.some((p) => p.test(line))) {
      findings.push({
        rule: 'injection/override-instructions',
        line: lineNo,
        message: 'text tells the reading agent to ignore or replace its instructions',
        hint: 'a trace describes a problem and its solution; remove the instruction',
      });
    }
    const hidden = HIDDEN.exec(index === 0 ? line.replace(/^\uFEFF/, '') : line);
    if (hidden) {
      const code = hidden[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
      findings.push({
        rule: 'injection/hidden-text',
        line: lineNo,
        message: `invisible or bidirectional control character U+${code}`,
        hint: 'remove it: such characters hide text from reviewers or reorder what they see',
      });
    }
    if (NETWORK_SENDER.test(line) && SENSITIVE_SOURCE.test(line)) {
      findings.push({
        rule: 'injection/exfiltration',
        line: lineNo,
        message: 'a command sends credentials, keys or the environment over the network',
        hint: 'remove the command; a solution never needs to upload secrets',
      });
    }
    if (REMOTE_CODE.some((p) => p.test(line))) {
      findings.push({
        rule: 'injection/remote-code',
        line: lineNo,
        message: 'downloaded or decoded content is executed',
        hint: 'show the commands themselves instead of evaluating fetched or encoded text',
      });
    }
    for (const pattern of PIPE_TO_SHELL) {
      const match = pattern.exec(line);
      if (!match) continue;
      const host = hostOf(match[1] ?? '');
      if (host && trusted.some((d) => host === d || host.endsWith(`.${d}`))) continue;
      findings.push({
        rule: 'injection/pipe-to-shell',
        line: lineNo,
        message: `a script from ${host ?? 'a URL'} is piped into an interpreter`,
        hint:
          'prefer a package manager or a download you can inspect; reviewers can trust the host in ' +
          'ct.yml policy.trusted_domains',
      });
      break;
    }
    if (!inCode.has(lineNo) && line.includes('<!--')) {
      findings.push({
        rule: 'injection/html-comment',
        line: lineNo,
        message: 'an HTML comment: hidden when the trace is rendered, but read by agents',
        hint: 'remove the comment or make it visible text',
      });
    }
    if (AGENT_DIRECTIVE.some((p) => p.test(line))) {
      findings.push({
        rule: 'injection/agent-directive',
        line: lineNo,
        message: 'text addresses the agent reading the trace instead of describing the problem',
        hint: 'state facts about the problem and the fix; let the agent decide what to run',
      });
    }
  });
  return findings;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Line numbers (1-based) inside fenced code blocks, including the fences. */
function codeLines(text: string): Set<number> {
  const lines = new Set<number>();
  for (const block of extractCodeBlocks(text)) {
    const count = block.code.split('\n').length + 2;
    for (let i = 0; i < count; i++) lines.add(block.line + i);
  }
  return lines;
}
