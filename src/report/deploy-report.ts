import { formatDurationMs } from '../commands/durations.js';
import type { Report, ReportBlock } from './model.js';

interface DeployAllocationRow {
  id: string;
  node: string;
  overlayIp: string | null;
  status: string;
  healthy: boolean | null;
}

interface DeployConsulRow {
  serviceId: string;
  address: string;
  port: number;
  checkStatus: string;
}

/** One phase of a /deploy and its wall time, in the order the phases ran. */
export interface DeployPhase {
  /**
   * `plan` (checks, render, Nomad's plan), `register` (the register call), `nomad` (evaluation and deployment,
   * until the bot saw it end), `consul-register`, `consul-checks` (until every check passes), `dns` (Consul DNS).
   */
  phase: 'plan' | 'register' | 'nomad' | 'consul-register' | 'consul-checks' | 'dns';
  ms: number;
}

/** Everything a /deploy run found out; the Report is built from it. */
export interface DeployOutcome {
  ok: boolean;
  /** `none`: Nomad had nothing to change and the running allocations were verified. @defaultValue applied */
  change?: 'applied' | 'none';
  /** Canceled evaluations the deploy followed past (superseded by a newer one). */
  supersededEvals?: string[];
  job: string;
  jobId: string;
  tenant: string;
  subnet: string;
  plan: string[];
  evalId: string | null;
  deployment: { id: string; status: string; description: string } | null;
  allocations: DeployAllocationRow[];
  service: string | null;
  consul: DeployConsulRow[];
  /** Nomad's own registrations (host or docker-bridge address): shown so the difference is visible. */
  nomadRegistrations: Array<{ serviceId: string; address: string; port: number; node: string }>;
  dns: { name: string; addresses: string[]; matches: boolean } | null;
  removed: string[];
  warnings: string[];
  failure: { stage: string; message: string; details: string[] } | null;
  /** Where the time went (absent for a plan that stopped for an approval). */
  phases?: DeployPhase[];
}

const short = (id: string) => id.slice(0, 8);

function describeTitle(o: DeployOutcome, healthy: number): string {
  if (!o.ok) return `deploy ${o.jobId} failed at ${o.failure?.stage ?? 'unknown stage'}`;
  if (o.change === 'none')
    return `deploy ${o.jobId}: no change, ${o.allocations.length} running, ${o.consul.length} verified in Consul with overlay IPs`;
  return `deploy ${o.jobId}: ${healthy}/${o.allocations.length} healthy, ${o.consul.length} registered in Consul with overlay IPs`;
}

/** The /deploy Report: allocations with node, overlay IP and health; Consul entries; what DNS answers. */
export function buildDeployReport(o: DeployOutcome): Report {
  const blocks: ReportBlock[] = [];
  const thread: ReportBlock[] = [];
  if (o.failure) blocks.push({ kind: 'alert', level: 'danger', text: `${o.failure.stage}: ${o.failure.message}` });
  blocks.push({
    kind: 'fields',
    fields: [
      { label: 'job', value: `\`${o.jobId}\`` },
      { label: 'tenant', value: `${o.tenant} (${o.subnet})` },
      { label: 'evaluation', value: o.evalId ? `\`${short(o.evalId)}\`` : '-' },
      { label: 'deployment', value: o.deployment ? `\`${short(o.deployment.id)}\` ${o.deployment.status}` : '-' },
    ],
  });
  if (o.plan.length) blocks.push({ kind: 'text', text: `*Plan*: ${o.plan.join('; ')}` });
  if (o.allocations.length) {
    blocks.push({
      kind: 'table',
      caption: 'allocations',
      columns: ['allocation', 'node', 'overlay IP', 'status', 'healthy'],
      rows: o.allocations.map((a) => [
        short(a.id),
        a.node,
        a.overlayIp ?? '-',
        a.status,
        a.healthy === null ? '-' : a.healthy ? 'yes' : 'no',
      ]),
    });
  }
  if (o.consul.length) {
    blocks.push({
      kind: 'table',
      caption: `Consul service ${o.service}`,
      columns: ['service id', 'address', 'port', 'check'],
      rows: o.consul.map((c) => [c.serviceId, c.address, String(c.port), c.checkStatus]),
    });
  }
  if (o.dns) {
    blocks.push({
      kind: o.dns.matches ? 'text' : 'alert',
      ...(o.dns.matches ? {} : { level: 'warning' as const }),
      text: `DNS \`${o.dns.name}\` → ${o.dns.addresses.join(', ') || 'no answer'}${o.dns.matches ? ' (overlay addresses only)' : ' (does not match the registered overlay addresses)'}`,
    } as ReportBlock);
  }
  for (const w of o.warnings) blocks.push({ kind: 'alert', level: 'warning', text: w });
  if (o.failure?.details.length) thread.push({ kind: 'code', text: o.failure.details.join('\n') });
  if (o.nomadRegistrations.length) {
    thread.push({
      kind: 'table',
      caption: "Nomad's own registrations (host or docker-bridge address: not used by clients)",
      columns: ['service id', 'address', 'port', 'node'],
      rows: o.nomadRegistrations.map((r) => [r.serviceId, r.address, String(r.port), r.node]),
    });
  }
  if (o.removed.length) thread.push({ kind: 'text', text: `Deregistered earlier instances: ${o.removed.join(', ')}` });
  const healthy = o.allocations.filter((a) => a.healthy).length;
  if (o.supersededEvals?.length) {
    thread.push({
      kind: 'text',
      text: `Followed evaluation(s) ${o.supersededEvals.map((e) => `\`${short(e)}\``).join(', ')}, canceled by Nomad for a more recent one`,
    });
  }
  if (o.phases?.length) thread.push({ kind: 'text', text: describePhases(o.phases) });
  const title = describeTitle(o, healthy);
  return {
    command: 'deploy',
    ok: o.ok,
    change: o.change ?? 'applied',
    title,
    blocks,
    ...(thread.length ? { thread } : {}),
    job: o.job,
    jobId: o.jobId,
    tenant: o.tenant,
    subnet: o.subnet,
    evalId: o.evalId,
    supersededEvals: o.supersededEvals ?? [],
    deployment: o.deployment
      ? { id: o.deployment.id, status: o.deployment.status, description: o.deployment.description }
      : null,
    allocations: o.allocations,
    service: o.service,
    consul: o.consul,
    nomadRegistrations: o.nomadRegistrations,
    dns: o.dns,
    plan: o.plan,
    removed: o.removed,
    warnings: o.warnings,
    failure: o.failure,
    phases: o.phases ?? [],
  };
}

const PHASE_LABELS: Record<DeployPhase['phase'], string> = {
  plan: 'plan',
  register: 'register',
  nomad: 'Nomad deployment',
  'consul-register': 'Consul registration',
  'consul-checks': 'Consul checks',
  dns: 'DNS check',
};

/** "Took 21s400ms: plan 1s200ms · register 100ms · …", to the tenth of a second. */
function describePhases(phases: readonly DeployPhase[]): string {
  const tenths = (ms: number) => formatDurationMs(Math.round(ms / 100) * 100);
  const total = phases.reduce((sum, p) => sum + p.ms, 0);
  return `Took ${tenths(total)}: ${phases.map((p) => `${PHASE_LABELS[p.phase]} ${tenths(p.ms)}`).join(' · ')}`;
}
