import { parse } from '@cdktf/hcl2json';
import { HttpError } from './http/http-error.js';
import type { Job } from './job-types.js';
import { mapHclJob } from './map-hcl-job.js';

/**
 * Parses jobspec text into the JSON job form with the release's `/v1/jobs/parse` answers.
 *
 * HCL2 (1.0+, HEAD command/agent/job_endpoint.go:957-969): empty text is 400 `Job spec is empty`, anything
 * that does not parse is 400 `Failed to parse job: <diagnostic>`.
 *
 * HCL1 (v0.9.7 command/agent/job_endpoint.go:603-611, jobspec/parse.go:29-66): the same empty check, then the
 * jobspec error as is (no prefix): `error parsing: <syntax>`, `invalid key: <k>` for top-level keys other than
 * `job` (helper/funcs.go:355-361), `'job' stanza not found`. HCL2-only syntax (`variable`, `locals`, function
 * calls, expressions in place of literals) is refused. The syntax diagnostics themselves come from an HCL2
 * parser (@cdktf/hcl2json), so their wording differs from HCL1's; that is the one approximation.
 */
export async function parseJobHcl(text: string, grammar: 'hcl1' | 'hcl2' = 'hcl2'): Promise<Job> {
  if (text === '') throw new HttpError(400, 'Job spec is empty');
  const fail = (detail: string) => new HttpError(400, grammar === 'hcl2' ? `Failed to parse job: ${detail}` : detail);
  let decoded: Record<string, unknown>;
  try {
    decoded = (await parse('input.hcl', text)) as Record<string, unknown>;
  } catch (err) {
    const detail = stripBridgePrefix((err as Error).message);
    throw fail(grammar === 'hcl2' ? detail : `error parsing: ${detail}`);
  }
  if (grammar === 'hcl1') checkHcl1(decoded);
  try {
    return mapHclJob(decoded);
  } catch (err) {
    throw fail(
      grammar === 'hcl2' ? `input.hcl: ${(err as Error).message}` : `error parsing 'job': ${(err as Error).message}`,
    );
  }
}

/** What HCL1 cannot express: only `job` at the top, literal values only (hcl2json marks expressions `${…}`). */
function checkHcl1(decoded: Record<string, unknown>): void {
  const invalid = Object.keys(decoded).filter((k) => k !== 'job');
  if (invalid.length) {
    const list = invalid.map((k) => `* invalid key: ${k}`).join('\n\t');
    throw new HttpError(400, `${invalid.length} error${invalid.length > 1 ? 's' : ''} occurred:\n\t${list}\n\n`);
  }
  if (!decoded.job) throw new HttpError(400, "'job' stanza not found");
  const expression = findExpression(decoded.job);
  if (expression) throw new HttpError(400, `error parsing: expression ${expression} is HCL2 syntax, not HCL1`);
}

/** The first value that is a whole HCL2 expression (`${…}` standing alone), searched depth first. */
function findExpression(value: unknown): string | undefined {
  if (typeof value === 'string')
    return /^\$\{[^}]*\}$/.test(value) && !/^\$\{[A-Za-z_][\w.-]*\}$/.test(value) ? value : undefined;
  if (Array.isArray(value)) return value.map(findExpression).find(Boolean);
  if (value && typeof value === 'object') return Object.values(value).map(findExpression).find(Boolean);
  return undefined;
}

// hcl2json reports "parse config: [<diagnostic>]"; Nomad prints the bare diagnostic.
function stripBridgePrefix(message: string): string {
  const match = /^parse config: \[(.*)\]$/s.exec(message);
  return match ? (match[1] as string) : message;
}
