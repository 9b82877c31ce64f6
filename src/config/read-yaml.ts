import { parseDocument } from 'yaml';

/** The parsed document, or problems naming line and column. */
export type YamlResult = { ok: true; value: unknown } | { ok: false; problems: string[] };

/** Parses YAML text; syntax errors (and duplicate keys) are reported as `file:line:col` problems. */
export function readYaml(text: string, file: string): YamlResult {
  // A file that is not UTF-8 arrives with U+FFFD in place of each broken sequence: refused, not guessed at.
  const broken = text.indexOf('\uFFFD');
  if (broken >= 0) {
    const line = text.slice(0, broken).split('\n').length;
    return { ok: false, problems: [`${file}:${line}: invalid UTF-8 (or U+FFFD) — save the file as UTF-8`] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  // yaml only warns about tags it does not know (`!include`, `!!python/object`) and loads them as plain strings.
  const tagProblems = doc.warnings.map((w) => {
    const pos = w.linePos?.[0];
    const reason = (w.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return `${pos ? `${file}:${pos.line}:${pos.col}` : file}: ${reason} — remove the tag`;
  });
  if (doc.errors.length === 0 && tagProblems.length > 0) return { ok: false, problems: tagProblems };
  if (doc.errors.length === 0) {
    try {
      const value: unknown = doc.toJS();
      const keys = findPrototypeKeys(value, '');
      if (keys.length > 0)
        return {
          ok: false,
          problems: keys.map(
            (k) => `${file}: key ${k} is refused (it names an object prototype) — rename or remove it`,
          ),
        };
      return { ok: true, value };
    } catch (err) {
      // yaml refuses alias bombs ("billion laughs") while building values; report it like a syntax error.
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, problems: [`${file}: YAML cannot be loaded: ${reason} — remove the repeated aliases`] };
    }
  }
  const problems = doc.errors.map((err) => {
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    // The first line of yaml's message is the reason; the rest is a source excerpt we do not need.
    const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    return `${where}: YAML syntax error: ${reason} — fix the YAML${at}`;
  });
  return { ok: false, problems };
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths of keys that would reach or replace an object's prototype, anywhere in the document. */
function findPrototypeKeys(value: unknown, path: string, found: string[] = []): string[] {
  if (found.length >= 10 || value === null || typeof value !== 'object') return found;
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) found.push(at);
    else findPrototypeKeys((value as Record<string, unknown>)[key], at, found);
  }
  return found;
}
