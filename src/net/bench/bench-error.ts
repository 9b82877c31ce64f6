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

/**
 * The program Docker could not start, from the runtime's message (`exec: "iperf3": executable file not found in
 * $PATH`, `stat /bin/x: no such file or directory`) or a shell's (`sh: 1: head: not found`), if that is the error.
 */
export function missingExecutable(output: string): string | undefined {
  const runtime = /exec: "([^"]+)": (?:executable file not found|stat [^:]+: no such file)/.exec(output)?.[1];
  if (runtime) return runtime;
  return /(?:^|\n)(?:\S*sh): (?:\d+: )?([^\s:]+): (?:not found|command not found)/.exec(output)?.[1];
}

/** An image lacks a program the bench needs; names the image, host and program, and the config to change. */
export class ToolMissingError extends BenchError {
  constructor(image: string, host: string, tool: string, why: string) {
    super(
      `image ${image} on ${host} has no ${tool} (${why}): choose an image that has it under bench.images in the config`,
    );
  }
}
