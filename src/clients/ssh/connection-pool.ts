import type { Client, ConnectConfig } from 'ssh2';
import { CancelledError, ErrorCode, isNetopsError, NetopsError, UsageError } from '../../errors.js';
import { connectSsh } from './connect.js';
import { execOnClient } from './exec-command.js';
import { openDirectTcpip } from './forward-out.js';
import {
  createHostKeyMismatchError,
  hostKeyAlgorithmsFor,
  type PinnedHostKey,
  parsePinnedHostKey,
} from './host-key.js';
import { createSemaphore, type Semaphore } from './semaphore.js';
import type { SshHost, SshHostStats, SshPool, SshPoolOptions } from './types.js';

type ServerHostKeyAlgorithms = NonNullable<ConnectConfig['algorithms']>['serverHostKey'];

interface HostState {
  host: SshHost;
  pinned: PinnedHostKey;
  slots: Semaphore;
  client?: Client;
  connecting?: Promise<Client>;
  connects: number;
  commands: number;
}

/**
 * Creates the SSH pool: one lazily opened ssh2 connection per host, reused by every command and reopened
 * on the next run after it closed; a per-host concurrency cap (channels beyond sshd's MaxSessions would be
 * refused); pinned host keys checked on every connect. Host keys are parsed up front, so a host without a
 * usable pinned key fails at creation, never by connecting unverified.
 */
export function createSshPool(opts: SshPoolOptions): SshPool {
  const connect = opts.connect ?? connectSsh;
  const log = opts.logger.child({ component: 'ssh' });
  const states = new Map<string, HostState>();
  for (const host of opts.hosts) {
    states.set(host.name, {
      host,
      pinned: parsePinnedHostKey(host),
      slots: createSemaphore(opts.concurrencyPerHost),
      connects: 0,
      commands: 0,
    });
  }
  let closed = false;

  function openClient(state: HostState): Promise<Client> {
    if (state.client) return Promise.resolve(state.client);
    if (state.connecting) return state.connecting;
    const { host, pinned } = state;
    let mismatch: NetopsError | undefined;
    const attempt = connect({
      host: host.address,
      port: host.port,
      username: host.user,
      ...(host.privateKey ? { privateKey: host.privateKey } : { agent: host.agent }),
      readyTimeout: opts.connectTimeoutMs,
      // A dead peer (host rebooted without FIN) is noticed within ~45 s instead of at the next command timeout.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: hostKeyAlgorithmsFor(pinned.type) as ServerHostKeyAlgorithms },
      hostVerifier: (key: Buffer) => {
        if (key.equals(pinned.blob)) return true;
        mismatch = createHostKeyMismatchError(host, pinned, key);
        return false;
      },
    }).then(
      (client) => {
        state.connects++;
        state.client = client;
        // every running command listens for 'close' on the shared client
        client.setMaxListeners(opts.concurrencyPerHost + 10);
        const forget = () => {
          if (state.client === client) state.client = undefined;
        };
        client.on('close', forget);
        client.on('error', (err) => {
          log.warn({ host: host.name, err: err.message }, 'ssh connection error');
          forget();
        });
        client.on('end', forget);
        if (closed) client.end();
        return client;
      },
      (err: unknown) => {
        throw mismatch ?? toConnectError(host, err);
      },
    );
    state.connecting = attempt;
    const clear = () => {
      if (state.connecting === attempt) state.connecting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  return {
    async run(hostName, command, runOpts = {}) {
      if (closed) throw new CancelledError('ssh pool closed');
      const state = states.get(hostName);
      if (!state) {
        throw new UsageError(`unknown host "${hostName}" (known: ${[...states.keys()].join(', ') || 'none'})`);
      }
      const release = await state.slots.acquire(runOpts.signal);
      try {
        if (closed) throw new CancelledError('ssh pool closed');
        const client = await openClient(state);
        state.commands++;
        const result = await execOnClient(
          client,
          command.line,
          {
            timeoutMs: runOpts.timeoutMs ?? opts.commandTimeoutMs,
            outputCapBytes: opts.outputCapBytes,
            signal: runOpts.signal,
          },
          { host: hostName, template: command.template },
        );
        log.debug(
          { host: hostName, template: command.template, code: result.code, ms: Math.round(result.durationMs) },
          'ssh command',
        );
        return result;
      } finally {
        release();
      }
    },
    async forwardOut(hostName, dstHost, dstPort, fwdOpts = {}) {
      if (closed) throw new CancelledError('ssh pool closed');
      const state = states.get(hostName);
      if (!state) {
        throw new UsageError(`unknown host "${hostName}" (known: ${[...states.keys()].join(', ') || 'none'})`);
      }
      if (fwdOpts.signal?.aborted) throw new CancelledError('ssh forward aborted');
      // No concurrency slot: sshd's MaxSessions counts shell/exec/subsystem sessions only, not direct-tcpip
      // channels (openssh-portable V_9_6_P1 sshd_config.5 "MaxSessions"; channels are capped by the
      // connection's window instead), so forwards never starve commands nor wait behind them.
      const client = await openClient(state);
      return openDirectTcpip(client, state.host, dstHost, dstPort);
    },
    async close() {
      closed = true;
      for (const state of states.values()) {
        state.slots.rejectAll('ssh pool closed');
        state.client?.end();
        state.client = undefined;
      }
    },
    stats() {
      const out: Record<string, SshHostStats> = {};
      for (const [name, s] of states) {
        out[name] = {
          connected: s.client !== undefined,
          active: s.slots.active,
          queued: s.slots.queued,
          connects: s.connects,
          commands: s.commands,
        };
      }
      return out;
    },
  };
}

function toConnectError(host: SshHost, err: unknown): NetopsError {
  if (isNetopsError(err)) return err;
  const e = err as { message?: string; code?: string; level?: string };
  const why = e.code ?? (e.level === 'client-timeout' ? 'timeout' : (e.message ?? String(err)));
  return new NetopsError(
    ErrorCode.SshConnect,
    `ssh to ${host.name} (${host.address}:${host.port}) failed: ${e.message}`,
    {
      userMessage: `Could not connect over SSH to ${host.name} (${host.address}:${host.port}): ${why}`,
      retryable: true,
      cause: err,
    },
  );
}
