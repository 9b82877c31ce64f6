import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DeployArgs } from '../../../src/commands/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import { applyDeploy } from '../../../src/net/deploy/apply-deploy.js';
import { startDeployResult } from '../../../src/net/deploy/deploy-result.js';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../../../src/net/ipv4.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createDeployProcessor } from '../../../src/workers/processors/deploy.js';
import { runCli } from '../../helpers/run-cli.js';
import { generateOtherHostKeyLine } from '../../helpers/ssh-test-server.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { deployTenantFor, expectTenantBRefused, WEAVE_RELAUNCH_FIX } from '../../lab/lab-launch-form.js';
import { getLabStatus } from '../../lab/lab-status.js';
import { checkLabSupport, labWeaveLaunch } from '../../lab/lab-support.js';
import { CONFIG_PATH, LAB_HOSTS } from '../../lab/topology.js';

/** Which release each profile-specific expectation follows. */
export interface DeploySuiteOptions {
  nomadVersion: string;
  /** The release parses HCL1 (0.9.x): parse errors carry no "Failed to parse job" prefix. */
  hcl1: boolean;
  /** Open-source namespaces exist (1.0+): the suite deploys a tenant into its own namespace. */
  namespaces: boolean;
}

interface LabConfigDoc {
  clusters: [{ nomad: { address: string } }];
  hosts: Array<{ hostKey: string; name?: string }>;
  tenants: Array<{ name: string; subnet: string; network: string }>;
  networks: Array<{ name: string; attach: string }>;
  jobs?: { dir: string };
}

interface DeployJson {
  ok: boolean;
  jobId: string;
  evalId: string;
  deployment: { status: string };
  allocations: Array<{ overlayIp: string | null }>;
  consul: Array<{ address: string; checkStatus: string; serviceId: string }>;
  nomadRegistrations: Array<{ address: string }>;
  dns: { name: string; addresses: string[] };
  failure: { stage: string; details: string[] };
  phases: Array<{ phase: string; ms: number }>;
}

const errorOf = (res: { json: Record<string, unknown> | undefined }) => String(res.json?.error);

const inSubnet = (ip: unknown, subnet: string) =>
  typeof ip === 'string' && cidrContainsIp(parseCidr(subnet)!, parseIpv4(ip) ?? -1);

/**
 * The /deploy end-to-end suite against one Nomad release profile: the lab is brought up once with
 * `--nomad-version`, every test runs the real pipeline (one-shot CLI) against it.
 */
export async function describeDeploySuite(opts: DeploySuiteOptions): Promise<void> {
  const support = await checkLabSupport();
  const skipLab = gateLabSuite(support, `deploy e2e (Nomad ${opts.nomadVersion})`);
  describeDeploy(skipLab, opts);
}

function describeDeploy(skipLab: boolean, opts: DeploySuiteOptions): void {
  // The suite deploys tenant-b where the Weave launch isolates it (the lab's default form), else the default tenant
  // (NETOPS_LAB_WEAVE_LAUNCH=default), and asserts tenant-b's refusal in that form (lab-launch-form.ts).
  const launch = labWeaveLaunch();
  const T = deployTenantFor(launch);
  describe.skipIf(skipLab)(
    `/deploy on the lab, Nomad ${opts.nomadVersion} (real sshd, overlay, emulated Nomad and Consul)`,
    () => {
      let dir: string;
      /** Writes a variant of the lab config (and optionally extra job templates) and returns its path. */
      const variant = (name: string, change: (cfg: LabConfigDoc) => void, templates: Record<string, string> = {}) => {
        const cfg = parse(readFileSync(CONFIG_PATH, 'utf8')) as LabConfigDoc;
        if (Object.keys(templates).length) {
          const jobs = join(dir, `${name}-jobs`);
          rmSync(jobs, { recursive: true, force: true });
          mkdirSync(jobs);
          writeFileSync(join(jobs, 'httpbackend.nomad.hcl'), readFileSync(resolve('jobs/httpbackend.nomad.hcl')));
          for (const [t, text] of Object.entries(templates)) writeFileSync(join(jobs, `${t}.nomad.hcl`), text);
          cfg.jobs = { dir: jobs };
        }
        change(cfg);
        const path = join(dir, `${name}.yaml`);
        writeFileSync(path, stringify(cfg));
        return path;
      };
      const deploy = (text: string, config = CONFIG_PATH) => runCli([text, '--json', '--config', config]);

      useLabForTests({
        nomadVersion: opts.nomadVersion,
        ...(opts.namespaces ? { nomadNamespaces: ['team-b'] } : {}),
      });
      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'netops-deploy-'));
      }, 600_000);
      afterAll(async () => {
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it(`deploys ${T.name}: overlay IPs in ${T.subnet} registered and passing in Consul; DNS answers only those`, async () => {
        const res = await deploy(`/deploy httpbackend subnet=${T.name}`);
        expect(res.code, res.stderr + res.stdout).toBe(0);
        const r = res.json as unknown as DeployJson;
        expect(r).toMatchObject({
          command: 'deploy',
          ok: true,
          job: 'httpbackend',
          jobId: `httpbackend-${T.name}`,
          tenant: T.name,
          subnet: T.subnet,
        });
        expect(r.evalId).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.deployment.status).toBe('successful');
        expect(r.allocations).toHaveLength(2);
        for (const a of r.allocations) expect(inSubnet(a.overlayIp, T.subnet), JSON.stringify(a)).toBe(true);
        expect(r.consul).toHaveLength(2);
        for (const c of r.consul) {
          expect(inSubnet(c.address, T.subnet), JSON.stringify(c)).toBe(true);
          expect(c.checkStatus).toBe('passing');
          expect(c.serviceId).not.toMatch(/^_nomad-task-/);
        }
        // The bug, reproduced by the emulated Nomad: its own registration is the docker-bridge address…
        expect(r.nomadRegistrations.length).toBeGreaterThan(0);
        for (const n of r.nomadRegistrations) expect(inSubnet(n.address, '10.32.0.0/16')).toBe(false);
        // …and it is not what clients get from DNS.
        expect(r.dns.name).toBe(`httpbackend-${T.name}.service.consul`);
        expect([...r.dns.addresses].sort()).toEqual(r.allocations.map((a) => a.overlayIp).sort());
        // Where the time went, each phase once, in the order they ran (the deploy-overhead bench reads these).
        expect(r.phases.map((p) => p.phase)).toEqual([
          'plan',
          'register',
          'nomad',
          'consul-register',
          'consul-checks',
          'dns',
        ]);
        for (const p of r.phases) expect(p.ms).toBeGreaterThanOrEqual(0);
      }, 180_000);

      // Under the default Weave launch tenant-b cannot be isolated: the suite deploys the default tenant above and
      // asserts here that tenant-b is refused before any write, with the fix, and that /status names the mismatch.
      it.runIf(launch === 'default')(
        'under the default Weave launch, tenant-b is refused before any write',
        async () => {
          await expectTenantBRefused(await deploy('/deploy httpbackend subnet=tenant-b count=1'));
          const status = await runCli(['/status', '--json', '--config', CONFIG_PATH]);
          expect(status.json?.ok).toBe(false);
          expect(JSON.stringify(status.json?.problems)).toContain(WEAVE_RELAUNCH_FIX);
        },
        180_000,
      );

      it.runIf(launch === 'multi-tenant')(
        'deploys the default tenant side by side in 10.32.0.0/24',
        async () => {
          const res = await deploy('/deploy httpbackend subnet=default count=1');
          expect(res.code, res.stderr + res.stdout).toBe(0);
          const r = res.json as unknown as DeployJson;
          expect(r.jobId).toBe('httpbackend-default');
          expect(r.allocations).toHaveLength(1);
          expect(inSubnet(r.allocations[0]?.overlayIp, '10.32.0.0/24')).toBe(true);
          expect(inSubnet(r.dns.addresses[0], '10.32.0.0/24')).toBe(true);
          const status = await runCli(['/status', '--json', '--config', CONFIG_PATH]);
          const jobs = JSON.stringify(status.json?.blocks);
          expect(jobs).toContain(`httpbackend-${T.name} (running)`);
          expect(jobs).toContain('httpbackend-default (running)');
        },
        180_000,
      );

      it('an unknown job template lists the available ones', async () => {
        const res = await deploy(`/deploy nosuchjob subnet=${T.name}`);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/unknown job template `nosuchjob`; available: httpbackend/);
      });

      it("an HCL syntax error shows Nomad's message", async () => {
        const config = variant('hcl', () => {}, { broken: 'job "broken" {\n  group "g" {\n    count = \n  }\n' });
        const res = await deploy(`/deploy broken subnet=${T.name}`, config);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(
          opts.hcl1
            ? /Nomad could not parse jobs\/broken\.nomad\.hcl:\nerror parsing: /
            : /Nomad could not parse jobs\/broken\.nomad\.hcl:\nFailed to parse job: /,
        );
      });

      it('an unknown tenant lists the known ones', async () => {
        const res = await deploy('/deploy httpbackend subnet=tenant-x');
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/unknown tenant `tenant-x`; known tenants: default, tenant-b/);
      });

      it('a tenant subnet outside the overlay range is refused when the config loads', async () => {
        const config = variant('range', (cfg) =>
          cfg.tenants.push({ name: 'tenant-z', subnet: '10.99.0.0/24', network: 'weave' }),
        );
        const res = await deploy('/deploy httpbackend subnet=tenant-z', config);
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/tenants\[2\]\.subnet.*10\.99\.0\.0\/24.*10\.32\.0\.0\/16/);
      });

      it('Nomad unreachable gives a clear message', async () => {
        const config = variant('down', (cfg) => {
          cfg.clusters[0].nomad.address = 'http://127.0.0.1:1';
        });
        const res = await deploy(`/deploy httpbackend subnet=${T.name}`, config);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/Nomad at http:\/\/127\.0\.0\.1:1 is unreachable/);
      });

      it("Nomad answering 500 shows Nomad's text", async () => {
        const server: Server = createServer((_req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('rpc error: No cluster leader');
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        const port = (server.address() as { port: number }).port;
        try {
          const config = variant('500', (cfg) => {
            cfg.clusters[0].nomad.address = `http://127.0.0.1:${port}`;
          });
          const res = await deploy(`/deploy httpbackend subnet=${T.name}`, config);
          expect(res.code).toBe(1);
          expect(errorOf(res)).toMatch(/HTTP 500.*No cluster leader/);
        } finally {
          server.close();
        }
      });

      it('a count larger than the cluster can take is reported as a placement failure, nothing registered', async () => {
        const huge = readFileSync(resolve('jobs/httpbackend.nomad.hcl'), 'utf8')
          .replace('memory = 128', 'memory = 900')
          .replace('job "httpbackend"', 'job "huge"');
        const config = variant('huge', () => {}, { huge });
        const res = await deploy(`/deploy huge subnet=${T.name} count=5`, config);
        expect(res.code).toBe(1);
        const r = res.json as unknown as DeployJson;
        expect(r.ok).toBe(false);
        expect(r.failure.stage).toBe('plan');
        expect(r.failure.details.join('\n')).toMatch(/group httpbackend: .*exhausted.*memory/);
        const status = await runCli(['/status', '--json', '--config', CONFIG_PATH]);
        expect(JSON.stringify(status.json?.blocks)).not.toContain(`huge-${T.name}`);
      }, 120_000);

      it('an image whose task exits fails the deployment and shows the task events', async () => {
        const res = await deploy('/deploy httpbackend subnet=default image=bigwhite/httpbackendservice:crash');
        expect(res.code).toBe(1);
        const r = res.json as unknown as DeployJson;
        expect(r.failure.stage).toBe('deployment');
        expect(r.deployment.status).toBe('failed');
        expect(r.failure.details.join('\n')).toMatch(/Terminated/);
      }, 180_000);

      it('two deploys of the same job and tenant at once: one wins, the other gets a check-and-set conflict', async () => {
        const config = loadConfig(process.env, { path: CONFIG_PATH });
        const cluster = createClusterContext(config, createSilentLogger());
        const view = { tenants: config.tenants, networks: config.networks };
        // The rival registers the job between our plan and our register, as a concurrent deploy would.
        let rivalDone = false;
        const racing = {
          ...cluster,
          nomad: {
            ...cluster.nomad,
            planJob: async (...[job, opts]: Parameters<typeof cluster.nomad.planJob>) => {
              const plan = await cluster.nomad.planJob(job, opts);
              if (!rivalDone) {
                rivalDone = true;
                const rival = structuredClone(job);
                rival.Meta = { ...rival.Meta, rival: 'yes' };
                await cluster.nomad.registerJob(rival, {
                  enforceIndex: true,
                  jobModifyIndex: plan.JobModifyIndex ?? 0,
                });
              }
              return plan;
            },
          },
        };
        const processor = createDeployProcessor({ cluster: racing, config: view, jobsDir: config.jobs.dir });
        const ctx: ProcessorContext<DeployArgs> = {
          jobId: 'race',
          command: {
            name: 'deploy',
            args: { job: 'httpbackend', tenant: T.name, count: 3 },
            text: `/deploy httpbackend subnet=${T.name} count=3`,
          },
          requester: { userId: 'U1' },
          signal: new AbortController().signal,
          logger: createSilentLogger(),
          progress: async () => {},
          setQueuePosition: async () => {},
        };
        await expect(processor(ctx)).rejects.toMatchObject({
          code: 'netops_conflict',
          userMessage: expect.stringMatching(/changed since the plan/),
        });
        await cluster.close();
      }, 60_000);

      it('a host whose SSH host key changed is refused with a clear message', async () => {
        const config = variant('hostkey', (cfg) => {
          for (const h of cfg.hosts) h.hostKey = generateOtherHostKeyLine();
        });
        const cluster = createClusterContext(loadConfig(process.env, { path: CONFIG_PATH }), createSilentLogger());
        try {
          const before = await cluster.nomad.readJobLatestDeployment(`httpbackend-${T.name}`);
          const res = await deploy(`/deploy httpbackend subnet=${T.name} count=1`, config);
          expect(res.code).toBe(1);
          // The Weave launch check reads `weave status` on the hosts before any write, so a changed key stops the
          // deploy there: the host is named with both fingerprints and the fix, and Nomad got no new deployment.
          const r = res.json as unknown as { error: string };
          expect(r.error).toMatch(
            /host key of u[123] \(192\.168\.56\.1[123]\) changed: expected SHA256:.*got SHA256:.*update hosts\[\]\.hostKey/,
          );
          const after = await cluster.nomad.readJobLatestDeployment(`httpbackend-${T.name}`);
          // The same deployment (the table's index may move meanwhile: allocation health of earlier deployments).
          expect(after.value?.ID).toBe(before.value?.ID);
          expect(after.value?.JobVersion).toBe(before.value?.JobVersion);
        } finally {
          await cluster.close();
        }
      }, 180_000);

      it('the same deploy twice: the second ends as "no change", with the running allocations verified in Consul', async () => {
        // The first brings the job back to the template (an earlier test registered a rival version).
        const first = await deploy(`/deploy httpbackend subnet=${T.name}`);
        expect(first.code, first.stderr + first.stdout).toBe(0);
        const res = await deploy(`/deploy httpbackend subnet=${T.name}`);
        expect(res.code, res.stderr + res.stdout).toBe(0);
        const r = res.json as unknown as DeployJson & { change: string; title: string };
        expect(r.change).toBe('none');
        expect(r.title).toMatch(/no change/);
        expect(r.evalId).toBeNull();
        expect(r.allocations).toHaveLength(2);
        expect(r.consul.map((c) => c.checkStatus)).toEqual(['passing', 'passing']);
        expect([...r.dns.addresses].sort()).toEqual(r.allocations.map((a) => a.overlayIp).sort());
      }, 120_000);

      it('an unchanged job registered anyway (approved plan) ends as "no change" too, without a new deployment', async () => {
        const config = loadConfig(process.env, { path: CONFIG_PATH });
        const cluster = createClusterContext(config, createSilentLogger());
        try {
          const before = await cluster.nomad.readJobLatestDeployment(`httpbackend-${T.name}`);
          const job = await cluster.nomad.readJob(`httpbackend-${T.name}`);
          const start = startDeployResult('httpbackend', `httpbackend-${T.name}`, T.name, T.subnet);
          const template = await cluster.nomad.parseJob(readFileSync(resolve('jobs/httpbackend.nomad.hcl'), 'utf8'));
          const result = await applyDeploy(
            { cluster, signal: new AbortController().signal, progress: async () => {} },
            {
              job: job as Record<string, unknown>,
              template: template as Record<string, unknown>,
              jobModifyIndex: job.JobModifyIndex ?? 0,
            },
            start,
          );
          expect(result.failure).toBeNull();
          expect(result.change).toBe('none');
          expect(result.deployment?.id).toBe(before.value?.ID);
        } finally {
          await cluster.close();
        }
      }, 120_000);

      it('an allocation on a node that no configured host matches fails the deploy with the reason', async () => {
        const config = variant('onehost', (cfg) => {
          cfg.hosts = cfg.hosts.filter((h) => (h as { name?: string }).name === 'u1');
        });
        const res = await deploy('/deploy httpbackend subnet=default count=2', config);
        expect(res.code).toBe(1);
        const r = res.json as unknown as DeployJson;
        expect(r.failure.stage).toBe('consul');
        expect(r.failure.details.join('\n')).toMatch(
          /node u[23]\.lab\.internal \(address 192\.168\.56\.1[23]\) is not a configured host/,
        );
      }, 180_000);

      it('a region the cluster does not have is refused, naming the real one', async () => {
        const config = variant('region', (cfg) => {
          (cfg.clusters[0].nomad as { region?: string }).region = 'mars';
        });
        const res = await deploy(`/deploy httpbackend subnet=${T.name}`, config);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/Nomad region `mars` does not exist; the cluster has `global`/);
        const status = await runCli(['/status', '--json', '--config', config]);
        expect(JSON.stringify(status.json?.problems)).toMatch(/Nomad region `mars` does not exist/);
      }, 120_000);

      it('a template whose datacenter has no nodes is refused, naming the real ones', async () => {
        const dc9 = readFileSync(resolve('jobs/httpbackend.nomad.hcl'), 'utf8')
          .replace('datacenters = ["dc1"]', 'datacenters = ["dc9"]')
          .replace('job "httpbackend"', 'job "elsewhere"');
        const config = variant('dc9', () => {}, { elsewhere: dc9 });
        const res = await deploy(`/deploy elsewhere subnet=${T.name}`, config);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/datacenter\(s\) `dc9`, which have no nodes; the cluster's datacenters: `dc1`/);
      }, 120_000);

      it('a tenant namespace that does not exist in Nomad is named in the error', async () => {
        const config = variant('ghost', (cfg) => {
          const tenant = cfg.tenants.find((t) => t.name === T.name) as { nomad?: { namespace: string } };
          tenant.nomad = { namespace: 'ghost' };
        });
        const res = await deploy(`/deploy httpbackend subnet=${T.name} count=1`, config);
        expect(res.code).toBe(1);
        expect(errorOf(res)).toMatch(/Nomad namespace `ghost` does not exist in this cluster/);
      }, 120_000);

      it.runIf(opts.namespaces)(
        "deploys into the tenant's own namespace, which /status then shows",
        async () => {
          const config = variant('teamb', (cfg) => {
            const tenant = cfg.tenants.find((t) => t.name === T.name) as { nomad?: { namespace: string } };
            tenant.nomad = { namespace: 'team-b' };
          });
          const res = await deploy(`/deploy httpbackend subnet=${T.name} count=1`, config);
          expect(res.code, res.stderr + res.stdout).toBe(0);
          const status = await runCli(['/status', '--json', '--config', config]);
          expect(JSON.stringify(status.json?.blocks)).toContain(`httpbackend-${T.name} (running)`);
          const stop = await runCli([`/deploy stop httpbackend subnet=${T.name}`, '--json', '--config', config]);
          expect(stop.code, stop.stderr + stop.stdout).toBe(0);
        },
        180_000,
      );

      it('/deploy stop stops the job and removes its Consul entries', async () => {
        if (launch === 'default') {
          // The namespace test above deployed and stopped the default tenant's job (same Consul service name, as
          // Consul OSS has no namespaces), so its entries are gone: deploy it again to have something to stop.
          const redeploy = await deploy('/deploy httpbackend subnet=default count=1');
          expect(redeploy.code, redeploy.stderr + redeploy.stdout).toBe(0);
        }
        const res = await runCli(['/deploy stop httpbackend subnet=default', '--json', '--config', CONFIG_PATH]);
        expect(res.code, res.stderr + res.stdout).toBe(0);
        expect((res.json?.removed as string[] | undefined)?.length ?? 0).toBeGreaterThanOrEqual(1);
        const again = await runCli(['/deploy stop httpbackend subnet=nobody', '--json', '--config', CONFIG_PATH]);
        expect(again.code).toBe(1);
      }, 120_000);

      it('plugin mode: the subnet is exposed before the register, Nomad registers the weave address itself', async () => {
        // No host is on the overlay: Nomad's own driver-mode check could only pass if the bot exposes first.
        for (const host of LAB_HOSTS) await runOnHost(host, ['weave', 'hide', 'net:10.32.0.0/24']);
        const config = variant('plugin', (cfg) => {
          const weave = cfg.networks.find((n) => n.name === 'weave') as { attach: string; dockerNetwork?: string };
          weave.attach = 'plugin';
          weave.dockerNetwork = 'weave';
        });
        const { nomadAddress } = await getLabStatus();
        // A stopped job stays in Nomad until garbage collection: "unchanged" is the same modify index (or none).
        const jobIndex = async () => {
          const answer = await fetch(`${nomadAddress}/v1/job/httpbackend-default`);
          return answer.status === 404 ? 'none' : ((await answer.json()) as { JobModifyIndex: number }).JobModifyIndex;
        };
        const before = await jobIndex();
        const res = await deploy('/deploy httpbackend subnet=default count=2', config);
        if (launch === 'default') {
          // Weave's plugin network is in the default subnet (the /12 here), not tenant default's /24: refused.
          expect(res.code, res.stderr + res.stdout).toBe(1);
          expect(String(res.json?.error)).toContain(
            "tenant default's containers join Docker network weave (plugin mode), which Weave creates in its default subnet 10.32.0.0/12",
          );
          expect(await jobIndex()).toBe(before);
          return;
        }
        expect(res.code, res.stderr + res.stdout).toBe(0);
        const r = res.json as unknown as DeployJson;
        expect(r.deployment.status).toBe('successful');
        expect(r.consul).toHaveLength(2);
        for (const c of r.consul) {
          expect(c.serviceId).toMatch(/^_nomad-task-/);
          expect(inSubnet(c.address, '10.32.0.0/24'), JSON.stringify(c)).toBe(true);
          expect(c.checkStatus).toBe('passing');
        }
        expect(r.nomadRegistrations).toEqual([]);
        expect(r.dns.name).toBe('httpbackend-default.service.consul');
        expect([...r.dns.addresses].sort()).toEqual(r.consul.map((c) => c.address).sort());
        const stop = await runCli(['/deploy stop httpbackend subnet=default', '--json', '--config', config]);
        expect(stop.code, stop.stderr + stop.stdout).toBe(0);
      }, 180_000);
    },
  );
}
