import { voterKey } from './schema.js';
import { type Signature, signerEmail } from './signatures.js';

/** Who made the commit that wrote a vote or flag file, as git records it. */
export interface BallotWrite {
  commit: string;
  author: string;
  committer: string;
  /** Present when the store requires signed votes. */
  signature?: Signature | undefined;
}

export type WriteVerdict = 'ok' | 'wrong-voter' | 'other-committer' | 'unsigned';

export const WRITE_VERDICTS: Record<Exclude<WriteVerdict, 'ok'>, string> = {
  'wrong-voter': 'the commit that wrote it was authored by another voter than the one the file is named after',
  'other-committer': 'the commit that wrote it was committed by someone else than its author (the voter)',
  unsigned:
    "the commit that wrote it has no good signature by the voter (ct.yml policy.require_signed_votes; the signer must be listed for the voter's e-mail in the store's allowed signers)",
};

/**
 * Whether a commit may write the vote or flag file of `voter`: the one rule that trust (which
 * votes count) and `ct check --base` (which pull requests pass) share. The commit's author and
 * committer must both be the voter (by voter key); where the store requires signed votes, git
 * must also verify a signature whose signer is the voter. Author and committer are only what the
 * committer typed, so without signatures this stops slips and casual spoofing, not a determined
 * forger: that is what signed votes are for.
 */
export function verifyBallotWrite(write: BallotWrite, voter: string, requireSigned: boolean): WriteVerdict {
  if (voterKey(write.author) !== voter) return 'wrong-voter';
  if (voterKey(write.committer) !== voter) return 'other-committer';
  if (requireSigned) {
    const signature = write.signature;
    // G only: U (a GPG key of unknown validity) is what anyone can make with someone else's address.
    const good = signature !== undefined && signature.status === 'G';
    if (!good || voterKey(signerEmail(signature.signer)) !== voter) return 'unsigned';
  }
  return 'ok';
}
