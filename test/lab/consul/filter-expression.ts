import { HttpError } from '../nomad/http/http-error.js';

/**
 * A small subset of Consul's `?filter=` language (go-bexpr): clauses `Selector == "v"`, `Selector != "v"`,
 * `"v" in Selector` and `Selector is empty`, joined by `and`. Selectors are dotted paths
 * (`ServiceMeta.nomad_job`, `Service.Tags`). Anything else is a 400 like Consul's.
 */
export function compileFilter(expression: string): (entry: unknown) => boolean {
  const clauses = expression.split(/\s+and\s+/).map((clause) => compileClause(clause.trim(), expression));
  return (entry) => clauses.every((clause) => clause(entry));
}

function compileClause(clause: string, whole: string): (entry: unknown) => boolean {
  const compare = /^([A-Za-z_][\w.]*)\s*(==|!=)\s*"((?:[^"\\]|\\.)*)"$/.exec(clause);
  if (compare) {
    const [, selector, op, value] = compare as unknown as [string, string, string, string];
    return (entry) => (String(select(entry, selector) ?? '') === value) === (op === '==');
  }
  const contains = /^"((?:[^"\\]|\\.)*)"\s+(not\s+)?in\s+([A-Za-z_][\w.]*)$/.exec(clause);
  if (contains) {
    const [, value, negated, selector] = contains as unknown as [string, string, string | undefined, string];
    return (entry) => {
      const found = select(entry, selector);
      const has = Array.isArray(found)
        ? found.includes(value)
        : typeof found === 'object' && found !== null && value in found;
      return has !== Boolean(negated);
    };
  }
  const empty = /^([A-Za-z_][\w.]*)\s+is\s+(not\s+)?empty$/.exec(clause);
  if (empty) {
    const [, selector, negated] = empty as unknown as [string, string, string | undefined];
    return (entry) => {
      const found = select(entry, selector);
      const isEmpty =
        found === undefined ||
        found === null ||
        found === '' ||
        (typeof found === 'object' && Object.keys(found).length === 0);
      return isEmpty !== Boolean(negated);
    };
  }
  throw new HttpError(
    400,
    `Failed to create boolean expression evaluator: 1:1 (0): no match found, expected: filter expression "${whole}"`,
  );
}

function select(entry: unknown, selector: string): unknown {
  let current: unknown = entry;
  for (const part of selector.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
