/** Shannon entropy in bits per character, as gitleaks computes it (over the string's own characters). */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * The entropy below which only 1 in 100 random base64 or alphanumeric strings of this length falls
 * (measured with crypto.randomBytes, 2,000 strings per length; linear in between). A short random
 * string repeats characters by chance, so a fixed threshold would be too strict for short tokens
 * and too lax for long ones.
 */
export function randomEntropyFloor(length: number): number {
  const table: [number, number][] = [
    [20, 3.65],
    [24, 3.86],
    [32, 4.23],
    [40, 4.43],
    [44, 4.53],
    [64, 4.9],
    [88, 5.16],
  ];
  const [firstLength, firstBits] = table[0] as [number, number];
  if (length <= firstLength) return firstBits;
  for (let i = 1; i < table.length; i++) {
    const [l1, b1] = table[i] as [number, number];
    const [l0, b0] = table[i - 1] as [number, number];
    if (length <= l1) return b0 + ((b1 - b0) * (length - l0)) / (l1 - l0);
  }
  return (table[table.length - 1] as [number, number])[1];
}
