/**
 * Strict patterns for every name a command accepts, and zod schemas built on them. Workers reuse these to
 * re-check job data, so a name that reaches an SSH argv or an API path has passed the same test twice.
 * None of the patterns admits a shell metacharacter, a space, a quote or a control character.
 */
import { z } from 'zod';
import { formatValue } from './grammar/format-value.js';

export { durationSchema } from './durations.js';
export { intSchema, PROTOCOLS, type Protocol, portListSchema, portSchema, protocolListSchema } from './values.js';

/** Nomad job name as the bot renders it: lower case, digits, `_` and `-`; 1–63 characters. */
export const JOB_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Tenant (and its overlay subnet) name: lower case, digits and `-`; 1–63 characters (a DNS label). */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Host name as configured (`u1`, `node-2.lab`); 1–63 characters. */
export const HOST_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** Network name as configured (`weave`, `flannel`); 1–63 characters. */
export const NETWORK_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** A container, Nomad job, Consul service or allocation name (or id); 1–128 characters. */
const WORKLOAD_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** A whole tenant as a workload: `tenant:<tenant>`. */
const TENANT_WORKLOAD_PATTERN = /^tenant:[a-z0-9][a-z0-9-]{0,62}$/;
/** Nomad job id (for /cancel) and BullMQ job id: 1–128 characters. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Docker's limit on a whole reference; checked before the pattern so the pattern never sees long input. */
const MAX_IMAGE_REF_CHARS = 255;
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PORT = '(?::[0-9]{1,5})?';
// As in Docker: the first path part is a registry only if it has a dot or a port, or is localhost.
const REGISTRY = `(?:localhost${PORT}|${DOMAIN_PART}(?:\\.${DOMAIN_PART})+${PORT}|${DOMAIN_PART}:[0-9]{1,5})`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
/** Docker image reference: `[registry[:port]/]path[:tag][@sha256:<64 hex>]`, path in lower case. */
const IMAGE_REF_PATTERN = new RegExp(
  `^(?:${REGISTRY}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** True for `tenant:<tenant>` or a plain workload name. */
export function isWorkload(text: string): boolean {
  return WORKLOAD_NAME_PATTERN.test(text) || TENANT_WORKLOAD_PATTERN.test(text);
}

/** True for a valid Docker image reference of at most {@link MAX_IMAGE_REF_CHARS} characters. */
export function isImageRef(text: string): boolean {
  return text.length <= MAX_IMAGE_REF_CHARS && IMAGE_REF_PATTERN.test(text);
}

/** A string schema that accepts only what `test` accepts; the issue says what was expected and what came. */
export function nameSchema(test: (text: string) => boolean, expected: string): z.ZodType<string, string> {
  return z.string().refine(test, { error: (issue) => `${expected}, got ${formatValue(String(issue.input))}` });
}

function patternTest(pattern: RegExp): (text: string) => boolean {
  return (text) => pattern.test(text);
}

/** Schema for {@link JOB_NAME_PATTERN}. */
export const jobNameSchema = nameSchema(
  patternTest(JOB_NAME_PATTERN),
  'must be a job name (1-63 of a-z 0-9 _ -, starting with a letter or digit)',
);
/** Schema for {@link TENANT_PATTERN}. */
export const tenantSchema = nameSchema(
  patternTest(TENANT_PATTERN),
  'must be a tenant name (1-63 of a-z 0-9 -, starting with a letter or digit)',
);
/** Schema for {@link HOST_PATTERN}. */
export const hostSchema = nameSchema(
  patternTest(HOST_PATTERN),
  'must be a host name (1-63 of A-Z a-z 0-9 _ . -, starting with a letter or digit)',
);
/** Schema for {@link NETWORK_PATTERN}. */
export const networkSchema = nameSchema(
  patternTest(NETWORK_PATTERN),
  'must be a network name (1-63 of A-Z a-z 0-9 _ . -, starting with a letter or digit)',
);
/** Schema for a workload name or `tenant:<tenant>` (see {@link isWorkload}). */
export const workloadSchema = nameSchema(
  isWorkload,
  'must be a container, job, service or allocation name (1-128 of A-Z a-z 0-9 _ . -) or tenant:<tenant>',
);
/** Schema for a Docker image reference (see {@link isImageRef}). */
export const imageRefSchema = nameSchema(
  isImageRef,
  'must be an image reference like nginx:1.25 or registry.lab:5000/team/app:1.2 (path in lower case)',
);
/** Schema for {@link JOB_ID_PATTERN}. */
export const jobIdSchema = nameSchema(
  patternTest(JOB_ID_PATTERN),
  'must be a job id (1-128 of A-Z a-z 0-9 _ . -, starting with a letter or digit)',
);
