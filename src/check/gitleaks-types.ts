/** The parts of a gitleaks configuration (TOML) that ct uses, as stored in data/gitleaks-rules.json. */
export interface GitleaksAllowlist {
  description?: string;
  /** OR (default): any check allows the finding; AND: all configured checks must. */
  condition?: 'OR' | 'AND';
  /** What `regexes` are tested against: the secret (default), the whole match, or its line. */
  regexTarget?: 'secret' | 'match' | 'line';
  regexes?: string[];
  stopwords?: string[];
  /** File paths; ct scans trace text, not repository paths, so these never apply. */
  paths?: string[];
}

export interface GitleaksRule {
  id: string;
  description: string;
  /** An RE2 pattern; rules without one match file paths only (not used by ct). */
  regex?: string;
  /** Which capture group holds the secret; default: the first non-empty group, else the match. */
  secretGroup?: number;
  /** The secret must have a Shannon entropy above this. */
  entropy?: number;
  /** The rule runs only on text that contains one of these (lower-case). */
  keywords?: string[];
  path?: string;
  allowlists?: GitleaksAllowlist[];
}

export interface GitleaksRuleSet {
  source: string;
  regenerate: string;
  /** The MIT license notice of gitleaks, which must travel with its rules. */
  license: string[];
  config: { title?: string; allowlist?: GitleaksAllowlist; rules: GitleaksRule[] };
}
