import { type NetopsError, UpstreamHttpError } from '../../errors.js';
import { firstLine, UpstreamConflictError, UpstreamNotFoundError } from '../upstream-errors.js';

/** Nomad's check-and-set failure texts all start with this (`nomad/structs/job.go`). */
const ENFORCE_INDEX_TEXT = 'Enforcing job modify index';

/**
 * Turns a non-2xx Nomad answer into a typed error. Nomad bodies are plain text (validation errors come
 * as 500, EnforceIndex conflicts as 500 too), so the text decides conflict vs plain upstream error.
 */
export function mapNomadStatus(requestName: string, status: number, body: string): NetopsError {
  const text = body.trim();
  if (status === 404) return new UpstreamNotFoundError(requestName, text, 'Nomad');
  // Nomad 0.9 (state store) and 1.x (namespace validator, inside a multierror) name the missing namespace.
  const namespace = /is in nonexistent namespace "([^"]*)"/.exec(text)?.[1];
  if (namespace !== undefined) {
    return new UpstreamHttpError(requestName, status, text, {
      userMessage: `Nomad namespace \`${namespace}\` does not exist in this cluster (Nomad: ${firstLine(text.replace(/^\d+ errors? occurred:\s*\*\s*/, '')) || text}). Create it (\`nomad namespace apply ${namespace}\`) or fix the tenant's nomad.namespace in the config.`,
    });
  }
  if (text.includes(ENFORCE_INDEX_TEXT)) {
    return new UpstreamConflictError(requestName, status, text, describeConflict(text));
  }
  if (status === 403) {
    return new UpstreamHttpError(requestName, status, text, {
      userMessage: `Nomad refused ${requestName}: ${firstLine(text) || 'Permission denied'} — check the bot's Nomad ACL token`,
    });
  }
  return new UpstreamHttpError(requestName, status, text, {
    userMessage: `Nomad answered HTTP ${status} to ${requestName}: ${text.slice(0, 1500) || '(empty body)'}`,
  });
}

function describeConflict(text: string): string {
  const line = text.slice(text.indexOf(ENFORCE_INDEX_TEXT)).split('\n')[0]!.trim();
  if (line.includes('job already exists')) {
    return `The job already exists, so the create-only registration was refused (Nomad: "${line}"). Plan again to update it.`;
  }
  if (line.includes('job does not exist')) {
    return `The job no longer exists, so the update was refused (Nomad: "${line}"). Plan again to create it.`;
  }
  return `The job changed since the plan (someone else deployed it in between), so it was not registered (Nomad: "${line}"). Plan again and retry.`;
}
