/** How {@link waitFor} polls, besides what and how long. */
export interface WaitOptions {
  /** Appended to the timeout message (e.g. the Slack calls or a process's output) so the failure explains itself. */
  context?: () => string | Promise<string>;
  /** @defaultValue 50 */
  intervalMs?: number;
  /**
   * A probe that throws is tried again (an API still starting, a connection refused) instead of failing at once;
   * the last error is named in the timeout message.
   */
  retryErrors?: boolean;
}

/**
 * The one poll-until of the tests: calls `fn` every `intervalMs` until it returns something other than undefined or
 * false, and returns that. On timeout it fails naming `what`, with the context (or, with `retryErrors`, the last
 * error) appended. The fourth argument is the context function or the {@link WaitOptions}.
 */
export async function waitFor<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  contextOrOptions: WaitOptions['context'] | WaitOptions = {},
  intervalMs = 50,
): Promise<T> {
  const opts = typeof contextOrOptions === 'function' ? { context: contextOrOptions, intervalMs } : contextOrOptions;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      if (!opts.retryErrors) throw err;
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? intervalMs));
  }
  const extra = [
    lastError === undefined ? '' : `last error: ${String(lastError)}`,
    opts.context ? await opts.context() : '',
  ].filter(Boolean);
  throw new Error(`timed out waiting for ${what}${extra.length ? `\n${extra.join('\n')}` : ''}`);
}
