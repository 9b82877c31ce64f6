import { isIP } from 'node:net';
import ssh2 from 'ssh2';
import { z } from 'zod';
import { TENANT_PATTERN } from '../commands/names.js';
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

/**
 * A tenant's name. Chat commands address a tenant only through the grammar's {@link TENANT_PATTERN}
 * (`subnet=<tenant>`, `tenant:<tenant>`, `/lock <tenant>`): lower case, digits and dashes. A configured name
 * outside it (`Tenant_B`, `a.b`) could never be deployed to, locked or checked, so it is refused here with the
 * nearest name the grammar accepts (issue 17 item 9).
 */
export function tenantName() {
  const error = 'must be a tenant name';
  return z.string({ error }).superRefine((value, ctx) => {
    if (TENANT_PATTERN.test(value)) return;
    const nearest = value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, 63);
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value.length > 70 ? `${value.slice(0, 67)}…` : value)} cannot be addressed by chat commands (subnet=<tenant>, tenant:<tenant> take 1-63 of a-z 0-9 -, starting with a letter or digit)`,
      params: { fix: TENANT_PATTERN.test(nearest) ? `rename it, e.g. ${nearest}` : 'rename it, e.g. tenant-b' },
    });
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHAR = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/**
 * Why a value holds a control character (NUL, a newline, DEL…), naming the code point and position but not the
 * value (it may be a secret); undefined when it holds none. Such a value passed on to SSH, a path or an HTTP
 * header means something other than what the config shows.
 */
export function explainControlChar(value: string): string | undefined {
  const at = value.search(CONTROL_CHAR);
  if (at < 0) return undefined;
  const code = (value.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return `contains the control character U+${code} at position ${at + 1}`;
}

/** A non-empty string without surrounding whitespace or control characters. */
export function text() {
  const error = 'must be a non-empty string';
  return z
    .string({ error })
    .trim()
    .min(1, { error })
    .superRefine((value, ctx) => {
      const problem = explainControlChar(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { fix: 'remove it' } });
    });
}

/**
 * An IPv4 network in CIDR form with no host bits set, from /8 to /30: a /0../7 network (0.0.0.0/0 above all)
 * takes in the underlay, the docker bridge and the internet, and a /31 or /32 has no address left for a
 * container next to the network and broadcast addresses the overlay reserves.
 */
export function cidr() {
  return z.string({ error: 'must be an IPv4 network in CIDR form like 10.32.0.0/24' }).superRefine((value, ctx) => {
    const problem = explainCidrProblem(value) ?? explainCidrSize(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

function explainCidrSize(value: string): string | undefined {
  const bits = Number(value.split('/')[1]);
  if (bits < 8) return `is a /${bits}: too wide to isolate anything (it covers other networks); use /8 to /30`;
  if (bits > 30) return `is a /${bits}: no address is left for a container; use /8 to /30`;
  return undefined;
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

/**
 * An IPv4 address or a DNS host name. IPv6 addresses are refused at load: the probes, the overlay address
 * discovery and the Consul registrations handle IPv4 only, so an IPv6 host would fail after a job is registered.
 */
export function hostAddress() {
  const error = 'must be an IPv4 address or a host name';
  return z.string({ error }).superRefine((v, ctx) => {
    if (isIP(v) === 6)
      ctx.addIssue({
        code: 'custom',
        message: 'is an IPv6 address, which netops-bot does not support',
        params: { fix: 'use the host’s IPv4 address or a host name' },
      });
    else if (isIP(v) !== 4 && !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v))
      ctx.addIssue({ code: 'custom', message: error });
  });
}

/** Why a line is not an OpenSSH public key (`<type> <base64> [comment]`), or undefined when it is. */
function explainPublicKeyProblem(line: string): string | undefined {
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
