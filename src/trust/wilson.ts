/**
 * Wilson score interval lower bound for `up` successes out of `up + down` trials at z = 1.96
 * (95%): a trace with 3 of 3 up-votes ranks below one with 30 of 32, because its share is less
 * certain. Counts may be fractional (weighted votes): the formula only needs n > 0 and
 * 0 <= p <= 1, so a heavier vote both moves the share and narrows the interval, exactly as that
 * many unweighted votes would.
 *
 *   n = up + down,  p = up / n
 *   lower = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)      (0 when n = 0)
 */
export function wilsonLowerBound(up: number, down: number, z = 1.96): number {
  const n = up + down;
  if (n <= 0) return 0;
  const p = up / n;
  const z2 = z * z;
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n));
}
