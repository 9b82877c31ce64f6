/** Options of a shape comparison. */
export interface ShapeOptions {
  /** Object keys whose children are named by data (group or task names): their first values are compared. */
  dynamicKeys?: readonly string[];
  /** Paths (dot-joined) where the expected object lists only some of the fields: extra ones are fine there. */
  partial?: readonly string[];
  /** Paths not compared below (the expected side is an illustration there). */
  skip?: readonly string[];
}

const kindOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * Lists how `actual` differs from `expected` in shape: missing or extra object keys and differing JSON types,
 * recursively (arrays by their first elements). `null` on either side matches anything (Go pointers, nil maps).
 */
export function describeShapeDifferences(
  actual: unknown,
  expected: unknown,
  opts: ShapeOptions = {},
  path = '',
): string[] {
  if (opts.skip?.includes(path) || actual === null || expected === null) return [];
  if (kindOf(actual) !== kindOf(expected))
    return [`${path || '(root)'}: ${kindOf(actual)} instead of ${kindOf(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length && expected.length ? describeShapeDifferences(actual[0], expected[0], opts, `${path}[0]`) : [];
  }
  if (typeof actual !== 'object' || typeof expected !== 'object') return [];
  return compareObjects(actual as Record<string, unknown>, expected as Record<string, unknown>, opts, path);
}

function compareObjects(
  a: Record<string, unknown>,
  e: Record<string, unknown>,
  opts: ShapeOptions,
  path: string,
): string[] {
  if (opts.dynamicKeys?.includes(path.split('.').at(-1) ?? '')) {
    return describeShapeDifferences(Object.values(a)[0], Object.values(e)[0], opts, `${path}.*`);
  }
  const missing = Object.keys(e)
    .filter((k) => !(k in a))
    .map((k) => `${path}.${k}: missing`);
  const extra = opts.partial?.includes(path)
    ? []
    : Object.keys(a)
        .filter((k) => !(k in e))
        .map((k) => `${path}.${k}: extra`);
  const nested = Object.keys(e)
    .filter((k) => k in a)
    .flatMap((k) => describeShapeDifferences(a[k], e[k], opts, path ? `${path}.${k}` : k));
  return [...missing, ...extra, ...nested];
}
