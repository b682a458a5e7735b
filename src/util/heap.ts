/**
 * A full garbage collection where the process allows one (a build process runs with --expose-gc;
 * elsewhere this does nothing). Between the phases of a large build the garbage of the last one
 * (a history replay, a million file heads) would otherwise stay resident while the next one
 * allocates natively (LanceDB) or grows the heap again: V8 sees no reason to collect it yet.
 */
export function releaseHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
