import { expect } from 'vitest';
import { ErrorCode, UsageError } from '../../../src/errors.js';

/** Runs `fn`, asserts it throws a UsageError, and returns it for further checks. */
export function catchUsageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe(ErrorCode.Usage);
    return err as UsageError;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}
