/** One allocation of a /deploy, as the report shows it. */
interface DeployAllocationRow {
  id: string;
  node: string;
  overlayIp: string | null;
  status: string;
  healthy: boolean | null;
}

/** One of the bot's Consul registrations, as Consul's health endpoint reports it. */
interface DeployConsulRow {
  serviceId: string;
  address: string;
  port: number;
  checkStatus: string;
}

/** Everything a /deploy run found out (the report is built from it). */
export interface DeployResult {
  ok: boolean;
  /** `applied`: Nomad deployed a new version; `none`: nothing changed, the running allocations were verified. */
  change: 'applied' | 'none';
  job: string;
  jobId: string;
  tenant: string;
  subnet: string;
  plan: string[];
  evalId: string | null;
  /** Canceled evaluations the deploy followed past (Nomad superseded them with a newer one). */
  supersededEvals: string[];
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
}

/** A result with nothing done yet. */
export function startDeployResult(
  job: string,
  jobId: string,
  tenant: string,
  subnet: string,
  plan: string[] = [],
): DeployResult {
  return {
    ok: false,
    change: 'applied',
    job,
    jobId,
    tenant,
    subnet,
    plan,
    evalId: null,
    supersededEvals: [],
    deployment: null,
    allocations: [],
    service: null,
    consul: [],
    nomadRegistrations: [],
    dns: null,
    removed: [],
    warnings: [],
    failure: null,
  };
}
