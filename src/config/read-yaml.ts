import { parseDocument } from 'yaml';

/** The parsed document, or problems naming line and column. */
export type YamlResult = { ok: true; value: unknown } | { ok: false; problems: string[] };

/** Parses YAML text; syntax errors (and duplicate keys) are reported as `file:line:col` problems. */
export function readYaml(text: string, file: string): YamlResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      return { ok: true, value: doc.toJS() };
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
