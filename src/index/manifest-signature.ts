import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { signersAt } from '../ballot/signatures.js';
import { CtError, ExitCode } from '../errors.js';
import { MANIFEST_NAMESPACE } from './manifest.js';

/**
 * Signs a manifest with an SSH key (`ssh-keygen -Y sign`, namespace ct-index): the same kind of
 * key and the same allowed-signers file the store already uses for votes, so no new trust root.
 */
export async function signManifest(text: string, keyFile: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-sign-'));
  try {
    const file = path.join(dir, 'manifest.json');
    await fs.writeFile(file, text);
    const result = await runSshKeygen(['-Y', 'sign', '-q', '-f', keyFile, '-n', MANIFEST_NAMESPACE, file]);
    if (result.code !== 0)
      throw new CtError(
        'index-sign-failed',
        `ssh-keygen could not sign the index manifest with ${keyFile}: ${last(result.stderr)}`,
        {
          hint: 'pass an SSH private key without a passphrase (--sign-key or CT_INDEX_SIGNING_KEY), e.g. one made by `ssh-keygen -t ed25519 -N ""`',
          exit: ExitCode.usage,
        },
      );
    return await fs.readFile(`${file}.sig`, 'utf8');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export type SignatureCheck =
  | { ok: true; signer: string }
  | { ok: false; code: 'unsigned' | 'no-signers' | 'wrong-signer' | 'bad-signature'; reason: string };

/**
 * Verifies a manifest's signature against the store's allowed-signers file as it is at the
 * manifest's own commit (already known to be in the local history): a key counts only once the
 * maintainers merged it. `principals`, when not empty, narrows who may sign (ct.yml index.signers).
 */
export async function verifyManifestSignature(options: {
  root: string;
  commit: string;
  text: string;
  signature: string | undefined;
  allowedSigners: string;
  principals: readonly string[];
}): Promise<SignatureCheck> {
  if (!options.signature?.includes('BEGIN SSH SIGNATURE'))
    return { ok: false, code: 'unsigned', reason: 'the manifest carries no SSH signature' };
  const signers = await signersAt(options.root, options.commit, options.allowedSigners);
  if (!signers.file) {
    await signers.cleanup();
    return {
      ok: false,
      code: 'no-signers',
      reason: `the store has no ${options.allowedSigners} at ${options.commit.slice(0, 12)} to check the signature against`,
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-verify-'));
  try {
    const sig = path.join(dir, 'manifest.json.sig');
    await fs.writeFile(sig, options.signature);
    const found = await runSshKeygen([
      '-Y',
      'find-principals',
      '-s',
      sig,
      '-f',
      signers.file,
      '-n',
      MANIFEST_NAMESPACE,
    ]);
    const candidates =
      found.code === 0
        ? found.stdout
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
        : [];
    const allowed =
      options.principals.length > 0 ? candidates.filter((p) => options.principals.includes(p)) : candidates;
    if (allowed.length === 0)
      return {
        ok: false,
        code: 'wrong-signer',
        reason:
          candidates.length > 0
            ? `the manifest is signed by ${candidates.join(', ')}, not by a signer ct.yml index.signers names (${options.principals.join(', ')})`
            : `the manifest is signed by a key that ${options.allowedSigners} does not list for the ${MANIFEST_NAMESPACE} namespace`,
      };
    for (const principal of allowed) {
      const verified = await runSshKeygen(
        ['-Y', 'verify', '-f', signers.file, '-I', principal, '-n', MANIFEST_NAMESPACE, '-s', sig],
        options.text,
      );
      if (verified.code === 0) return { ok: true, signer: principal };
    }
    return {
      ok: false,
      code: 'bad-signature',
      reason: `the signature by ${allowed.join(', ')} does not match the manifest (it was changed after signing)`,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    await signers.cleanup();
  }
}

function runSshKeygen(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) =>
      reject(
        new CtError('ssh-keygen-missing', `ssh-keygen could not be started: ${e.message}`, {
          hint: 'install OpenSSH (8.2 or later): apt-get install openssh-client',
          exit: ExitCode.unexpected,
        }),
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

const last = (text: string) => text.trim().split('\n').pop() ?? '';
