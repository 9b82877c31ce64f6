import { ErrorCode, isNetopsError } from '../../errors.js';

/** Timeouts in a row (without a success between) after which a host counts as down. */
const CONSECUTIVE_TIMEOUTS_TO_FAIL = 2;

/**
 * Remembers which hosts failed during a check, so the probes still queued for a dead host end at once as
 * `unknown` with the reason instead of each waiting for its own timeout.
 */
export interface HostHealth {
  /** The reason the host is considered down, or undefined. */
  reasonDown(host: string): string | undefined;
  /** Records a failed SSH run; returns true when the host is now considered down. */
  recordError(host: string, err: unknown): boolean;
  recordSuccess(host: string): void;
  /** Marks a host down for a reason found elsewhere (e.g. it could not be listed). */
  markDown(host: string, reason: string): void;
  /** Hosts considered down, with reasons. */
  downHosts(): Array<{ host: string; reason: string }>;
}

function describe(err: unknown): string {
  if (isNetopsError(err) && err.userMessage) return err.userMessage;
  return err instanceof Error ? err.message : String(err);
}

/** A fresh tracker: connection failures mark a host down at once, timeouts after a few in a row. */
export function createHostHealth(): HostHealth {
  const down = new Map<string, string>();
  const timeouts = new Map<string, number>();
  return {
    reasonDown: (host) => down.get(host),
    recordError(host, err) {
      if (down.has(host)) return true;
      const code = isNetopsError(err) ? err.code : undefined;
      if (code === ErrorCode.SshConnect || code === ErrorCode.SshHostKey) {
        down.set(host, describe(err));
        return true;
      }
      if (code === ErrorCode.Timeout) {
        const n = (timeouts.get(host) ?? 0) + 1;
        timeouts.set(host, n);
        if (n >= CONSECUTIVE_TIMEOUTS_TO_FAIL) {
          down.set(host, `${n} commands in a row timed out (${describe(err)})`);
          return true;
        }
      }
      return false;
    },
    markDown(host, reason) {
      if (!down.has(host)) down.set(host, reason);
    },
    recordSuccess(host) {
      timeouts.set(host, 0);
    },
    downHosts: () => [...down.entries()].map(([host, reason]) => ({ host, reason })),
  };
}
