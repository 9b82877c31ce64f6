import type { SshPool } from '../clients/ssh/index.js';
import { auditInScope } from '../stores/audit-context.js';

/**
 * The SSH pool with an audit record per command run for a job: host, template name, exit code and duration
 * (never argv, which may carry values the audit does not need). Outside a job's audit scope it only runs.
 */
export function withSshAudit(pool: SshPool): SshPool {
  return {
    async run(host, command, opts) {
      try {
        const result = await pool.run(host, command, opts);
        await auditInScope({
          type: 'ssh',
          host,
          template: command.template,
          exitCode: result.code,
          durationMs: result.durationMs,
        });
        return result;
      } catch (err) {
        await auditInScope({
          type: 'ssh',
          host,
          template: command.template,
          outcome: 'error',
          detail: (err as Error).name,
        });
        throw err;
      }
    },
    // A forwarded connection is a transport for an API call, audited by that call's own record.
    forwardOut: (host, dstHost, dstPort, opts) => pool.forwardOut(host, dstHost, dstPort, opts),
    close: () => pool.close(),
    stats: () => pool.stats(),
  };
}
