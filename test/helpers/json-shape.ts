/** Options of a shape comparison. */
export interface ShapeOptions {
  /** Object keys whose children are named by data (group or task names): their first values are compared. */
  dynamicKeys?: readonly string[];
  /** Paths (dot-joined) where the expected object lists only some of the fields: extra ones are fine there. */
  partial?: readonly string[];
  /** Paths not compared below (the expected side is an illustration there). */
  skip?: readonly string[];
}

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
  if (opts.skip?.includes(path)) return [];
  if (actual === null || expected === null || (actual === undefined && expected === undefined)) return [];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(actual) !== kind(expected)) return [`${path || '(root)'}: ${kind(actual)} instead of ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length && expected.length ? describeShapeDifferences(actual[0], expected[0], opts, `${path}[0]`) : [];
  }
  if (typeof actual !== 'object' || typeof expected !== 'object') return [];
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const last = path.split('.').at(-1) ?? '';
  if (opts.dynamicKeys?.includes(last)) {
    const first = (o: Record<string, unknown>) => Object.values(o)[0];
    return describeShapeDifferences(first(a), first(e), opts, `${path}.*`);
  }
  const out: string[] = [];
  for (const key of Object.keys(e)) if (!(key in a)) out.push(`${path}.${key}: missing`);
  if (!opts.partial?.includes(path))
    for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path}.${key}: extra`);
  for (const key of Object.keys(e)) {
    if (key in a) out.push(...describeShapeDifferences(a[key], e[key], opts, path ? `${path}.${key}` : key));
  }
  return out;
}
