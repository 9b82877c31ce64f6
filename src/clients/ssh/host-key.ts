import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { ErrorCode, NetopsError } from '../../errors.js';
import type { SshHost } from './types.js';

/** A pinned host key, parsed once. */
export interface PinnedHostKey {
  /** Key type as in the OpenSSH line (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`). */
  type: string;
  /** The public key in SSH wire format: the same bytes ssh2 hands to `hostVerifier`. */
  blob: Buffer;
  fingerprint: string;
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Parses `hosts[].hostKey`; refuses a missing or unparsable key, because we never connect unpinned. */
export function parsePinnedHostKey(host: Pick<SshHost, 'name' | 'address' | 'hostKey'>): PinnedHostKey {
  const line = host.hostKey?.trim() ?? '';
  const parsed = line ? ssh2.utils.parseKey(line) : new Error('empty');
  if (parsed instanceof Error || Array.isArray(parsed)) {
    const why = parsed instanceof Error ? parsed.message : 'several keys given';
    throw new NetopsError(ErrorCode.SshHostKey, `no usable pinned host key for ${host.name}: ${why}`, {
      userMessage: `no usable pinned host key for ${host.name} (${host.address}): set hosts[].hostKey to its OpenSSH public key line`,
    });
  }
  const blob = parsed.getPublicSSH();
  return { type: parsed.type, blob, fingerprint: fingerprintSha256(blob) };
}

/** Host key algorithms to offer so the server presents the key type we pinned (it may hold several). */
export function hostKeyAlgorithmsFor(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/** The error a changed host key produces: names both fingerprints and the fix. */
export function createHostKeyMismatchError(host: SshHost, pinned: PinnedHostKey, presented: Buffer): NetopsError {
  const got = fingerprintSha256(presented);
  const text =
    `host key of ${host.name} (${host.address}) changed: expected ${pinned.fingerprint}, got ${got}` +
    ' — if the host was rebuilt, update hosts[].hostKey';
  return new NetopsError(ErrorCode.SshHostKey, text, { userMessage: text });
}
