import type { z } from 'zod';
import type { CommandSpec } from '../types.js';
import type { RawArgs } from './bind-args.js';

/**
 * Turns the schema's issues into one readable line each, naming the argument as the user types it:
 * `count: must be an integer from 1 to 20, got 0`, `missing <job>`, `missing subnet=…`.
 */
export function formatIssues(spec: CommandSpec, raw: RawArgs, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.map((issue) => formatIssue(spec, raw, issue));
  return [...new Set(lines)];
}

function formatIssue(spec: CommandSpec, raw: RawArgs, issue: z.core.$ZodIssue): string {
  const key = issue.path[0];
  if (typeof key !== 'string') return issue.message;
  if (issue.code === 'invalid_type' && !(key in raw)) {
    return spec.positional.includes(key) ? `missing <${key}>` : `missing ${key}=…`;
  }
  return `${key}: ${issue.message}`;
}
