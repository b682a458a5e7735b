/** A credential a detector found: which detector, and the span of the secret itself in the text. */
export interface SecretMatch {
  /** Stable detector id, e.g. `gitlab-pat` (gitleaks), `github` (secretlint), `assignment`. */
  kind: string;
  description: string;
  start: number;
  end: number;
}
