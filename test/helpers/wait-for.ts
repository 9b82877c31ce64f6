/**
 * The one poll-until of the tests: calls `fn` every `intervalMs` until it returns something other than undefined or
 * false, and returns that. On timeout it fails naming `what`, with `context()` (e.g. the Slack calls or a process's
 * output) appended so the failure explains itself.
 */
export async function waitFor<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  context: () => string | Promise<string> = () => '',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const extra = await context();
  throw new Error(`timed out waiting for ${what}${extra ? `\n${extra}` : ''}`);
}
