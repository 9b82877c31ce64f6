import { ErrorCode, NetopsError } from '../../errors.js';
import type { SshResult } from './types.js';

/**
 * Returns the result when the command exited 0; otherwise throws NetopsError SshExit with a user-safe
 * message naming `what` and the first stderr line (the usual one-line reason of CLI tools).
 */
export function expectSuccess(result: SshResult, what: string): SshResult {
  if (result.code === 0 && !result.truncated) return result;
  const firstErr =
    result.stderr
      .split('\n')
      .find((l) => l.trim().length > 0)
      ?.trim() ?? '';
  const how = result.truncated
    ? 'produced more output than the cap allows'
    : result.code === null
      ? `was killed${result.signal ? ` by SIG${result.signal}` : ''}`
      : `exited with code ${result.code}`;
  const text = `${what} ${how}${firstErr ? `: ${firstErr.slice(0, 300)}` : ''}`;
  throw new NetopsError(ErrorCode.SshExit, text, { userMessage: text });
}
