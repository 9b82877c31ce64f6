import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { ErrorCode, NetopsError } from '../../errors.js';
import type { SshHost } from './types.js';

// RFC 4254 §5.1 reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE; ssh2 puts them on the error as `reason`.
const OPEN_ADMINISTRATIVELY_PROHIBITED = 1;
const OPEN_CONNECT_FAILED = 2;

/**
 * Opens a `direct-tcpip` channel (RFC 4254 §7.2) on a ready connection to `dstHost:dstPort` as the host sees it.
 * sshd answers CONNECT_FAILED when nothing listens there (OpenSSH `channels.c` `channel_connect_to_port` →
 * "connect_to … failed") and ADMINISTRATIVELY_PROHIBITED when forwarding is disabled (`AllowTcpForwarding no`,
 * `DisableForwarding yes`); each becomes an UpstreamUnreachable error that names the host and what to change.
 */
export function openDirectTcpip(client: Client, host: SshHost, dstHost: string, dstPort: number): Promise<Duplex> {
  const where = `${dstHost}:${dstPort} on ${host.name}`;
  return new Promise((resolve, reject) => {
    // The originator address is informational for sshd (logged); 127.0.0.1:0 is what `ssh -W` sends too.
    client.forwardOut('127.0.0.1', 0, dstHost, dstPort, (err, channel) => {
      if (!err) {
        resolve(channel);
        return;
      }
      const reason = (err as { reason?: number }).reason;
      const code =
        reason === OPEN_CONNECT_FAILED
          ? 'ECONNREFUSED'
          : reason === OPEN_ADMINISTRATIVELY_PROHIBITED
            ? 'EPROHIBITED'
            : 'ECHANNEL';
      const hint =
        reason === OPEN_ADMINISTRATIVELY_PROHIBITED
          ? ` — sshd on ${host.name} refuses TCP forwarding; set AllowTcpForwarding yes (OpenSSH's default) for the bot's user`
          : '';
      reject(
        new NetopsError(ErrorCode.UpstreamUnreachable, `ssh forward to ${where} failed: ${err.message}`, {
          userMessage: `${where} is unreachable through SSH (${code})${hint}`,
          retryable: reason !== OPEN_ADMINISTRATIVELY_PROHIBITED,
          cause: Object.assign(err, { code }),
        }),
      );
    });
  });
}
