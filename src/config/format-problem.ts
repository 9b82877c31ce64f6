import type { z } from 'zod';
import { findSchemaAt, listKnownKeys } from './schema-walk.js';
import { suggestClosest } from './suggest.js';

/** Formats a config path as written in messages: `hosts[1].port`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** The name of the list entry nearest to the end of the path, or its path when it has none: for `{name}`. */
function findEntryName(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  let node = raw;
  let name: string | undefined;
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[path[i]!];
    if (typeof path[i] === 'number') {
      const entryName = typeof node === 'object' && node !== null ? (node as { name?: unknown }).name : undefined;
      name = typeof entryName === 'string' ? entryName : formatPath(path.slice(0, i + 1));
    }
  }
  return name;
}

function fillPlaceholders(template: string, raw: unknown, path: readonly PropertyKey[]): string {
  return template.replaceAll('{name}', findEntryName(raw, path) ?? 'this entry').replaceAll('{path}', formatPath(path));
}

function quote(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

function formatUnknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys, root: z.ZodType): string[] {
  const known = listKnownKeys(findSchemaAt(root, issue.path)?.schema ?? root);
  return issue.keys.map((key) => {
    const suggestion = suggestClosest(key, known);
    const fix = suggestion ? `did you mean "${suggestion}"?` : 'remove it';
    return `${formatPath([...issue.path, key])}: unknown key — ${fix} (known keys: ${known.join(', ')})`;
  });
}

/**
 * Turns one zod issue into problem lines `path: what is wrong — how to fix it`. The fix comes from the
 * issue's own `params.fix` or from the field's description. Inputs are quoted only when the path is not a
 * secret, so a misplaced token never reaches a log through an error.
 */
export function formatIssue(
  issue: z.core.$ZodIssue,
  root: z.ZodType,
  raw: unknown,
  isSecretPath: (path: readonly PropertyKey[]) => boolean,
): string[] {
  if (issue.code === 'unrecognized_keys') return formatUnknownKeys(issue, root);
  const where = formatPath(issue.path) || '(top level)';
  const description = findSchemaAt(root, issue.path)?.description;
  const ownFix = issue.code === 'custom' ? (issue.params as { fix?: string } | undefined)?.fix : undefined;
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  let message = missing ? 'is required' : issue.message;
  if (!missing && issue.code !== 'custom' && !isSecretPath(issue.path) && issue.input !== undefined) {
    message += `, got ${quote(issue.input)}`;
  }
  const fix = ownFix ?? (description ? `${missing ? 'add' : 'set'} ${description}` : 'see config/netops.example.yaml');
  return [`${where}: ${message} — ${fillPlaceholders(fix, raw, issue.path)}`];
}
