import type { Client, ClientChannel } from 'ssh2';
import { CancelledError, ErrorCode, NetopsError, TimeoutError } from '../../errors.js';
import type { SshResult } from './types.js';

/** Limits for one exec. */
export interface ExecLimits {
  timeoutMs: number;
  outputCapBytes: number;
  signal?: AbortSignal;
}

/** Labels for messages. */
export interface ExecLabels {
  host: string;
  template: string;
}

/**
 * Runs one command line on a ready connection. Resolves with exit code and output (non-zero exit is a
 * value); rejects with TimeoutError, CancelledError, or SshConnect when the connection drops mid-run.
 */
export function execOnClient(client: Client, line: string, limits: ExecLimits, labels: ExecLabels): Promise<SshResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    let truncated = false;
    let bytes = 0;
    let code: number | null = null;
    let exitSignal: string | undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];

    const cleanup = () => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      client.removeListener('close', onConnectionClose);
    };
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      stopChannel(channel);
      reject(e);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({
        code,
        ...(exitSignal ? { signal: exitSignal } : {}),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        truncated,
        durationMs: performance.now() - started,
      });
    };
    const collect = (sink: Buffer[]) => (chunk: Buffer) => {
      if (truncated) return;
      const room = limits.outputCapBytes - bytes;
      if (chunk.length > room) {
        sink.push(chunk.subarray(0, Math.max(room, 0)));
        bytes = limits.outputCapBytes;
        truncated = true;
        stopChannel(channel);
        return;
      }
      sink.push(chunk);
      bytes += chunk.length;
    };
    const onAbort = () => fail(new CancelledError(`${labels.template} on ${labels.host} cancelled`));
    const onConnectionClose = () =>
      fail(
        new NetopsError(ErrorCode.SshConnect, `connection to ${labels.host} dropped while running ${labels.template}`, {
          userMessage: `The SSH connection to ${labels.host} dropped while running ${labels.template}; it may or may not have run`,
        }),
      );
    const timer = setTimeout(
      () =>
        fail(
          new TimeoutError(`${labels.template} on ${labels.host}`, limits.timeoutMs, {
            userMessage: `${labels.template} on ${labels.host} did not finish within ${limits.timeoutMs} ms`,
          }),
        ),
      limits.timeoutMs,
    );

    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('close', onConnectionClose);
    // ssh2 throws synchronously ("Not connected") when the connection closed between checkout and exec.
    try {
      execOn(client);
    } catch (e) {
      fail(
        new NetopsError(ErrorCode.SshConnect, `exec on ${labels.host} failed: ${(e as Error).message}`, {
          userMessage: `The SSH connection to ${labels.host} closed before ${labels.template} could start; try again`,
          retryable: true,
          cause: e,
        }),
      );
    }
    function execOn(c: Client): void {
      c.exec(line, (e, ch) => {
        if (e) {
          return fail(
            new NetopsError(ErrorCode.SshConnect, `exec on ${labels.host} failed: ${e.message}`, {
              userMessage: `Could not start ${labels.template} on ${labels.host}: ${e.message}`,
              cause: e,
            }),
          );
        }
        channel = ch;
        if (settled) return stopChannel(ch);
        ch.on('data', collect(out));
        ch.stderr.on('data', collect(err));
        ch.on('exit', (exitCode: number | null, signalName?: string) => {
          if (typeof exitCode === 'number') code = exitCode;
          if (signalName) exitSignal = signalName;
        });
        ch.on('close', finish);
      });
    }
  });
}

// Ask sshd to kill the remote process first (a closed channel alone leaves e.g. `sleep` running), then close.
function stopChannel(ch: ClientChannel | undefined): void {
  if (!ch) return;
  try {
    ch.signal('KILL');
  } catch {
    // channel already closing
  }
  ch.close();
}
