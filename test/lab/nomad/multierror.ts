/** Formats errors like hashicorp/go-multierror's ListFormatFunc, which Nomad's validation errors print with. */
export function formatMultiError(errors: readonly string[]): string {
  const points = errors.map((e) => `* ${e}`);
  const noun = errors.length === 1 ? '1 error occurred' : `${errors.length} errors occurred`;
  return `${noun}:\n\t${points.join('\n\t')}\n\n`;
}
