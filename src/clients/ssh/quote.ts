/**
 * Single-quotes one argument for a POSIX shell: inside '…' nothing is special except the quote itself,
 * which is written as '\'' (close, escaped quote, reopen). Safe for any string without NUL.
 */
export function quoteShellArg(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one shell line, every element quoted (template literals too, e.g. `{{.ID}} {{.Names}}`). */
export function joinShellLine(argv: readonly string[]): string {
  return argv.map(quoteShellArg).join(' ');
}
