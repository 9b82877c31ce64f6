import { ErrorCode, NetopsError } from '../../errors.js';

/** A benchmark that cannot go on; the text is shown in chat as is (it names the host and the cause). */
export class BenchError extends NetopsError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(ErrorCode.Bench, message, { userMessage: message, ...opts });
  }
}

/** The first non-empty line of a tool's stderr (or stdout), trimmed and capped. */
export function firstLineOf(...texts: string[]): string {
  for (const t of texts) {
    const line = t
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean);
    if (line) return line.slice(0, 300);
  }
  return '';
}
