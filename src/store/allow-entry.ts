/** One entry of ct.yml `policy.secrets.allow`: `/regex/flags` or a literal value. */
export type AllowEntry = { literal: string } | { regex: RegExp };

/**
 * Parses an allow-list entry: `/.../flags` is a regular expression (flags i, m, s, u), anything
 * else a literal. Returns an error message for an entry that would not work or would allow every
 * secret (an empty literal, an invalid regex, a regex that matches the empty string).
 */
export function parseAllowEntry(entry: string): AllowEntry | { error: string } {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
  if (!regex) {
    if (entry.trim().length < 4)
      return { error: 'a literal entry must be at least 4 characters (the exact value to allow)' };
    return { literal: entry };
  }
  const [, source, flags] = regex as unknown as [string, string, string];
  if (/[^imsu]/.test(flags)) return { error: `unsupported regex flags "${flags}" (use i, m, s or u)` };
  let compiled: RegExp;
  try {
    compiled = new RegExp(source, flags);
  } catch (e) {
    return { error: `invalid regular expression: ${(e as Error).message}` };
  }
  if (compiled.test(''))
    return { error: 'the regular expression matches the empty string, so it would allow every secret' };
  return { regex: compiled };
}
