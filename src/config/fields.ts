import { isIP } from 'node:net';
import ssh2 from 'ssh2';
import { z } from 'zod';
import { explainCidrProblem } from '../net/ipv4.js';

/** A TCP/UDP port number. */
export function port() {
  const error = 'must be an integer from 1 to 65535';
  return z.int({ error }).min(1, { error }).max(65535, { error });
}

/** A whole number of milliseconds (or bytes, or a count) within a range. */
export function intInRange(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A name that other entries and chat commands refer to (`u1`, `tenant-b`). */
export function entityName() {
  const error = 'must be 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit';
  return z.string({ error }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error });
}

/** A non-empty string without surrounding whitespace. */
export function text() {
  const error = 'must be a non-empty string';
  return z.string({ error }).trim().min(1, { error });
}

/** An IPv4 network in CIDR form with no host bits set. */
export function cidr() {
  return z.string({ error: 'must be an IPv4 network in CIDR form like 10.32.0.0/24' }).superRefine((value, ctx) => {
    const problem = explainCidrProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/**
 * An absolute http(s) URL without credentials. A `user:pass@` part is refused (issue 17 item 1): addresses are
 * not secrets, so they are shown in replies, `/status` and job records; a password inside one would go with them.
 * The refusal is a custom issue, so the problem text never quotes the URL.
 */
export function httpUrl() {
  const error = 'must be an http:// or https:// URL';
  return z.url({ error, protocol: /^https?$/ }).refine((v) => !hasCredentials(v), {
    error: 'must not carry credentials (user:password@) — addresses are shown in replies; use the token field instead',
  });
}

function hasCredentials(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.username !== '' || url.password !== '';
}

/** An IP address or a DNS host name. */
export function hostAddress() {
  const error = 'must be an IP address or a host name';
  return z
    .string({ error })
    .refine((v) => isIP(v) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v), {
      error,
    });
}

/** Why a line is not an OpenSSH public key (`<type> <base64> [comment]`), or undefined when it is. */
export function explainPublicKeyProblem(line: string): string | undefined {
  if (!/^[a-z0-9@.-]+ [A-Za-z0-9+/]+={0,3}( .*)?$/.test(line.trim())) {
    return 'must be an OpenSSH public key line like "ssh-ed25519 AAAAC3Nz… comment"';
  }
  const parsed = ssh2.utils.parseKey(line.trim());
  if (parsed instanceof Error) return `is not a public key ssh2 can read (${parsed.message})`;
  if (parsed.isPrivateKey()) return 'is a private key; pin the host public key instead';
  return undefined;
}

/** A pinned SSH host public key, OpenSSH format. */
export function publicKeyLine() {
  return z.string({ error: 'must be an OpenSSH public key line' }).superRefine((value, ctx) => {
    const problem = explainPublicKeyProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
