import { parse } from '@cdktf/hcl2json';
import { HttpError } from './http/http-error.js';
import type { Job } from './job-types.js';
import { mapHclJob } from './map-hcl-job.js';

/**
 * Parses HCL2 jobspec text into the JSON job form, with Nomad's `/v1/jobs/parse` errors: empty text is
 * 400 `Job spec is empty`, anything that does not parse is 400 `Failed to parse job: <diagnostic>`.
 */
export async function parseJobHcl(text: string): Promise<Job> {
  if (text.trim() === '') throw new HttpError(400, 'Job spec is empty');
  let decoded: Record<string, unknown>;
  try {
    decoded = (await parse('input.hcl', text)) as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(400, `Failed to parse job: ${stripBridgePrefix((err as Error).message)}`);
  }
  try {
    return mapHclJob(decoded);
  } catch (err) {
    throw new HttpError(400, `Failed to parse job: input.hcl: ${(err as Error).message}`);
  }
}

// hcl2json reports "parse config: [<diagnostic>]"; Nomad prints the bare diagnostic.
function stripBridgePrefix(message: string): string {
  const match = /^parse config: \[(.*)\]$/s.exec(message);
  return match ? (match[1] as string) : message;
}
