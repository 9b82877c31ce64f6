import { z } from 'zod';

/**
 * Marks schema nodes whose values are secrets. Redaction paths and secret values are derived from these
 * marks (see secrets.ts), so adding a secret field to the schema is enough to keep it out of logs.
 * `childKeys` marks keys that a transform adds to an object's output (e.g. a host's `privateKey`).
 */
export interface SecretMark {
  childKeys?: string[];
}

/** The registry of secret marks. */
export const secretRegistry = z.registry<SecretMark>();

/** Marks a schema node as secret and returns it. */
export function markSecret<T extends z.ZodType>(schema: T, mark: SecretMark = {}): T {
  secretRegistry.add(schema, mark);
  return schema;
}
