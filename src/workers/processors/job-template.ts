import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NomadClient } from '../../clients/nomad/index.js';
import { ErrorCode, isNetopsError, NetopsError, UsageError } from '../../errors.js';

/** Lists `<name>.nomad.hcl` templates in the jobs folder. */
async function listJobTemplates(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((f) => f.endsWith('.nomad.hcl'))
      .map((f) => f.slice(0, -'.nomad.hcl'.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Loads `jobs/<job>.nomad.hcl` and has Nomad parse it (HCL2, server side), so the bot never guesses at HCL.
 * An unknown template lists the available ones; a syntax error shows Nomad's own message.
 */
export async function loadJobTemplate(
  nomad: NomadClient,
  dir: string,
  job: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  let hcl: string;
  try {
    hcl = await readFile(join(dir, `${job}.nomad.hcl`), 'utf8');
  } catch {
    const known = await listJobTemplates(dir);
    throw new UsageError(
      `unknown job template \`${job}\`; available: ${known.join(', ') || 'none'} (files <name>.nomad.hcl in the jobs folder)`,
    );
  }
  try {
    return (await nomad.parseJob(hcl, { canonicalize: true, signal })) as Record<string, unknown>;
  } catch (err) {
    if (isNetopsError(err) && (err as { status?: number }).status === 400) {
      const body = String((err as { body?: string }).body ?? err.message).trim();
      throw new NetopsError(ErrorCode.Usage, `template ${job} does not parse`, {
        userMessage: `Nomad could not parse jobs/${job}.nomad.hcl:\n${body.slice(0, 1200)}`,
        cause: err,
      });
    }
    throw err;
  }
}
