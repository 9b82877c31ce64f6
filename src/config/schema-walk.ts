import { z } from 'zod';

/** Strips wrappers that do not change where a value sits (optional, default, pipe input, …). */
function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault
  ) {
    return schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  return undefined;
}

/** The node under all wrappers, and the first description met on the way down. */
function unwrapSchema(schema: z.ZodType): { schema: z.ZodType; description: string | undefined } {
  let current = schema;
  let description = current.description;
  for (let inner = unwrapOnce(current); inner; inner = unwrapOnce(current)) {
    current = inner;
    description ??= current.description;
  }
  return { schema: current, description };
}

/** The schema node at a config path (`['hosts', 1, 'port']`), or undefined when the path leaves the schema. */
export function findSchemaAt(
  root: z.ZodType,
  path: readonly PropertyKey[],
): { schema: z.ZodType; description: string | undefined } | undefined {
  let node = unwrapSchema(root);
  for (const key of path) {
    const inner = node.schema;
    if (inner instanceof z.ZodObject && typeof key === 'string' && key in inner.shape) {
      node = unwrapSchema(inner.shape[key] as z.ZodType);
    } else if (inner instanceof z.ZodArray && typeof key === 'number') {
      node = unwrapSchema(inner.element as z.ZodType);
    } else {
      return undefined;
    }
  }
  return node;
}

/** The keys an object node accepts, or an empty list when the node is not an object. */
export function listKnownKeys(node: z.ZodType): string[] {
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/**
 * Visits every node reachable through objects, arrays and wrappers with its path in pino's redact syntax
 * (`clusters[*].nomad.token`). Wrappers are visited too, so marks on any of them are seen.
 */
export function visitSchema(root: z.ZodType, visit: (schema: z.ZodType, path: string) => void): void {
  const walk = (schema: z.ZodType, path: string) => {
    visit(schema, path);
    const inner = unwrapOnce(schema);
    if (inner) return walk(inner, path);
    if (schema instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(schema.shape)) walk(child as z.ZodType, path ? `${path}.${key}` : key);
    } else if (schema instanceof z.ZodArray) {
      walk(schema.element as z.ZodType, `${path}[*]`);
    }
  };
  walk(root, '');
}
