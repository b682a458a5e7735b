import { z } from 'zod';
import { findTrace } from '../store/find-trace.js';
import type { Store } from '../store/store.js';
import { assessStore, trustOptions } from './assess.js';
import { type TraceTrust, TraceTrustSchema } from './score.js';

export const TrustExplanationSchema = TraceTrustSchema.extend({
  title: z.string(),
  path: z.string(),
  tags: z.array(z.string()),
  validated_after: z.number().int().describe('ct.yml policy.validated_after.'),
  validated_because: z.string().describe('Why the trace is (not) validated, in words.'),
});
export type TrustExplanation = z.infer<typeof TrustExplanationSchema>;

/**
 * `ct trust <id>`: the whole computation for one trace, recomputed from the checkout and its
 * history (not read from the index, so it is never stale): every vote with its voter key,
 * weight and verdict, every flag, and the resulting trust and validated status.
 */
export async function explainTrust(store: Store, query: string): Promise<TrustExplanation> {
  const trace = await findTrace(store.root, query);
  const validatedAfter = store.config.policy.validated_after;
  const assessed = await assessStore(store.root, { ...trustOptions(store), include: [trace.id] });
  const t = assessed.get(trace.id) as TraceTrust;
  const validatedBecause = t.seed
    ? 'a seed: the file is one of the seed traces this version of ct ships, unchanged'
    : `${t.up} counted up-vote(s) from people other than the author; policy.validated_after: ${validatedAfter}`;
  return {
    ...t,
    title: trace.title,
    path: trace.path,
    tags: trace.tags,
    validated_after: validatedAfter,
    validated_because: validatedBecause,
  };
}
