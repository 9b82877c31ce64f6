import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import type { Logger } from '../../logging.js';

/** One host the bot may SSH to; `hostKey` pins its public key (OpenSSH line, `ssh-ed25519 AAAA…`). */
export interface SshHost {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key (OpenSSH/PEM). A secret: never logged. Without it, `agent` must be set. */
  privateKey?: Buffer | string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK) to authenticate with instead of a key file. */
  agent?: string;
  hostKey: string;
}

/** A command built from an allowlisted template: never from free text. */
export interface SshCommand {
  /** Template name, e.g. `docker.ps.byLabel`. */
  template: string;
  argv: string[];
  /** `argv` joined into one shell line with every element single-quoted. */
  line: string;
}

/** The outcome of one command. A non-zero exit is a value here, not an exception. */
export interface SshResult {
  /** Exit status; null when the command ended without one (killed by a signal, cut by the output cap). */
  code: number | null;
  /** Signal name (without SIG) when the remote process died of a signal. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** True when the output cap was hit: the channel was closed and the output is incomplete. */
  truncated: boolean;
  durationMs: number;
}

/** Per-run options. */
export interface SshRunOptions {
  signal?: AbortSignal;
  /** Overrides the pool's commandTimeoutMs for this command (covers the exec, not the queue wait). */
  timeoutMs?: number;
}

/** Everything ssh2 needs for one connection, as the pool prepares it (pinned-key verifier included). */
export type SshConnectConfig = ConnectConfig & {
  host: string;
  port: number;
  username: string;
  hostVerifier: (key: Buffer) => boolean;
};

/** Opens a ready ssh2 Client; injectable so tests and the benchmark can change how sockets are made. */
export type SshConnectFn = (config: SshConnectConfig) => Promise<Client>;

/** Options of {@link createSshPool}. */
export interface SshPoolOptions {
  hosts: SshHost[];
  /** TCP connect + SSH handshake + auth. */
  connectTimeoutMs: number;
  /** Default per-command timeout. */
  commandTimeoutMs: number;
  /** Cap on stdout + stderr bytes per command. */
  outputCapBytes: number;
  /** Commands running at once per host; the rest wait in FIFO order. Keep below sshd's MaxSessions (10). */
  concurrencyPerHost: number;
  logger: Logger;
  /** @defaultValue {@link connectSsh} (own socket with TCP_NODELAY) */
  connect?: SshConnectFn;
}

/** Counters per host, for `/status` and tests. */
export interface SshHostStats {
  connected: boolean;
  active: number;
  queued: number;
  /** Successful connects so far (1 = never reconnected). */
  connects: number;
  commands: number;
}

/** Options of one forwarded TCP connection. */
interface SshForwardOptions {
  signal?: AbortSignal;
}

/** The pool's public face. */
export interface SshPool {
  run(host: string, command: SshCommand, opts?: SshRunOptions): Promise<SshResult>;
  /**
   * Opens a TCP connection from `host` to `dstHost:dstPort` (as the host sees it, e.g. its own loopback) through the
   * pooled SSH connection: a `direct-tcpip` channel, what `ssh -L` uses. The stream is the connection; end or
   * destroy it when done. Refused or failed opens reject with code UpstreamUnreachable and the host's name.
   */
  forwardOut(host: string, dstHost: string, dstPort: number, opts?: SshForwardOptions): Promise<Duplex>;
  /** Ends every connection; queued and later runs reject with CancelledError. */
  close(): Promise<void>;
  stats(): Record<string, SshHostStats>;
}
