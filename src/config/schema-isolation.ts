import { z } from 'zod';
import { entityName } from './fields.js';

/**
 * The isolation policy beyond the default (same tenant reachable, different tenants isolated): tenant pairs that
 * may reach each other. Each rule is directed (from may reach to); list both directions for a two-way exception.
 */
export function createIsolationSchema() {
  const rule = z.strictObject({
    from: entityName().describe('the tenant that may reach another tenant'),
    to: entityName().describe('the tenant that {from} may reach'),
  });
  return z
    .strictObject({
      allow: z
        .array(rule, { error: 'must be a list of { from: <tenant>, to: <tenant> }' })
        .default([])
        .describe('the list of allowed tenant pairs'),
    })
    .prefault({});
}
