import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { runOnHost } from '../../lab/host-exec.js';
import { downLab } from '../../lab/lab-down.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, runOnHostOk } from '../../lab/lab-support.js';
import { upLab } from '../../lab/lab-up.js';
import { runProcess } from '../../lab/run-process.js';
import { API_POLL, callApi, startLabApis, stopLabApis } from './lab-api-helpers.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab Consul API');

const agentU1 = 'http://192.168.56.11:8500';
const agentU2 = 'http://192.168.56.12:8500';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk loosely typed API JSON; `any` keeps assertions readable
type Json = Record<string, any>;

async function dig(...args: string[]): Promise<string> {
  const r = await runProcess(['dig', '@192.168.56.11', '-p', '8600', '+short', '+time=2', '+tries=1', ...args]);
  return r.stdout.trim();
}

async function checkStatus(agent: string, checkId: string): Promise<string | undefined> {
  const checks = (await callApi(`${agent}/v1/agent/checks`)).json<Json>();
  return checks[checkId]?.Status;
}

describe.skipIf(skipLab)('lab Consul API', { timeout: 60_000 }, () => {
  let overlayIp = '';

  // upLab waits for the lab lock while other test processes hold the lab: the same deadlines as nomad-api.
  beforeAll(async () => {
    await upLab({ withoutEmulators: true });
    await startLabApis();
    await runOnHostOk('u1', [
      'docker',
      '-H',
      'unix:///var/run/weave/weave.sock',
      'run',
      '-d',
      '--name',
      'web1',
      '-e',
      'WEAVE_CIDR=net:10.32.0.0/24',
      'bigwhite/httpbackendservice:v1.0.0',
    ]);
    const ps = await runOnHostOk('u1', ['weave', 'ps', 'web1']);
    overlayIp = /(10\.32\.0\.\d+)\/24/.exec(ps)?.[1] ?? '';
  }, LAB_LOCK_WAIT_MS + 60_000);
  afterAll(async () => {
    await stopLabApis();
    await downLab();
  }, LAB_LOCK_WAIT_MS);

  it('lists three alive members and the agent identity', async () => {
    const members = (await callApi(`${agentU1}/v1/agent/members`)).json<Json[]>();
    expect(members.map((m) => [m.Name, m.Addr, m.Status]).sort()).toEqual([
      ['u1', '192.168.56.11', 1],
      ['u2', '192.168.56.12', 1],
      ['u3', '192.168.56.13', 1],
    ]);
    const self = (await callApi(`${agentU2}/v1/agent/self`)).json<Json>();
    expect(self.Config).toMatchObject({ Datacenter: 'dc1', NodeName: 'u2' });
  });

  it('runs a TCP check to an overlay address from the host namespace: critical before weave expose, passing after', async () => {
    expect(overlayIp).toMatch(/^10\.32\.0\.\d+$/);
    const register = await callApi(`${agentU1}/v1/agent/service/register`, {
      method: 'PUT',
      body: {
        ID: 'weave-web1',
        Name: 'web',
        Tags: ['weave'],
        Address: overlayIp,
        Port: 8081,
        Meta: { nomad_job: 'web' },
        Check: { TCP: `${overlayIp}:8081`, Interval: '1s', Timeout: '1s' },
      },
    });
    expect([register.status, register.text]).toEqual([200, '']);
    const services = (await callApi(`${agentU1}/v1/agent/services`)).json<Json>();
    expect(services['weave-web1']).toMatchObject({ ID: 'weave-web1', Service: 'web', Address: overlayIp, Port: 8081 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await checkStatus(agentU1, 'service:weave-web1')).toBe('critical');
    const passing = await callApi(`${agentU1}/v1/health/service/web?passing`);
    expect(passing.json<Json[]>()).toEqual([]);

    await runOnHostOk('u1', ['weave', 'expose']);
    await waitFor(
      async () => ((await checkStatus(agentU1, 'service:weave-web1')) === 'passing' ? true : undefined),
      'check passing',
      30_000,
      API_POLL,
    );
    const health = await waitFor(
      async () => {
        const list = (await callApi(`${agentU2}/v1/health/service/web?passing`)).json<Json[]>();
        return list.length === 1 ? list : undefined;
      },
      'passing in the catalog',
      30_000,
      API_POLL,
    );
    expect(health[0]?.Node).toMatchObject({ Node: 'u1', Address: '192.168.56.11' });
    expect(health[0]?.Service).toMatchObject({ ID: 'weave-web1', Address: overlayIp, Port: 8081 });
    expect(health[0]?.Checks.map((c: Json) => [c.CheckID, c.Status])).toEqual([
      ['serfHealth', 'passing'],
      ['service:weave-web1', 'passing'],
    ]);
    expect(health[0]?.Checks[1].Output).toBe(`TCP connect ${overlayIp}:8081: Success`);
  });

  it('serves the catalog with filters and blocking queries on every agent', async () => {
    const res = await callApi(
      `${agentU2}/v1/catalog/service/web?filter=${encodeURIComponent('ServiceMeta.nomad_job == "web"')}`,
    );
    expect(Number(res.index)).toBeGreaterThan(0);
    expect(res.json<Json[]>()).toEqual([
      expect.objectContaining({
        Node: 'u1',
        Address: '192.168.56.11',
        Datacenter: 'dc1',
        ServiceID: 'weave-web1',
        ServiceName: 'web',
        ServiceAddress: overlayIp,
        ServicePort: 8081,
        ServiceTags: ['weave'],
        ServiceMeta: { nomad_job: 'web' },
      }),
    ]);
    const none = await callApi(
      `${agentU2}/v1/catalog/service/web?filter=${encodeURIComponent('ServiceMeta.nomad_job == "x"')}`,
    );
    expect(none.json<Json[]>()).toEqual([]);
    expect((await callApi(`${agentU1}/v1/catalog/services`)).json<Json>()).toMatchObject({ web: ['weave'] });

    const started = Date.now();
    const blocked = callApi(`${agentU1}/v1/catalog/service/web2?index=${res.index}&wait=20s`);
    setTimeout(() => {
      void callApi(`${agentU2}/v1/agent/service/register`, { method: 'PUT', body: { name: 'web2', port: 1 } });
    }, 500);
    const woken = await blocked;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(Number(woken.index)).toBeGreaterThan(Number(res.index));
    expect(woken.json<Json[]>()).toEqual([
      expect.objectContaining({ ServiceID: 'web2', Node: 'u2', ServiceAddress: '' }),
    ]);
  });

  it('answers DNS A and SRV for passing instances', async () => {
    expect(await dig('web.service.dc1.consul', 'A')).toBe(overlayIp);
    expect(await dig('web.service.consul', 'A')).toBe(overlayIp);
    const hex = overlayIp
      .split('.')
      .map((o) => Number(o).toString(16).padStart(2, '0'))
      .join('');
    expect(await dig('web.service.dc1.consul', 'SRV')).toBe(`1 1 8081 ${hex}.addr.dc1.consul.`);
    const full = await runProcess(['dig', '@192.168.56.11', '-p', '8600', 'nope.service.dc1.consul', 'A']);
    expect(full.stdout).toContain('status: NXDOMAIN');
    const fromCatalog = await runProcess(['dig', '@192.168.56.1', '-p', '8600', '+short', 'web.service.consul', 'A']);
    expect(fromCatalog.stdout.trim()).toBe(overlayIp);
  });

  it('answers errors with Consul texts and status codes', async () => {
    const unknown = await callApi(`${agentU1}/v1/agent/service/deregister/nope`, { method: 'PUT' });
    expect([unknown.status, unknown.text]).toEqual([
      404,
      'Unknown service ID "nope". Ensure that the service ID is passed, not the service name.',
    ]);
    const noName = await callApi(`${agentU1}/v1/agent/service/register`, { method: 'PUT', body: { Port: 80 } });
    expect([noName.status, noName.text]).toEqual([400, 'Missing service name']);
    const noInterval = await callApi(`${agentU1}/v1/agent/service/register`, {
      method: 'PUT',
      body: { Name: 'x', Check: { TCP: '10.0.0.1:1' } },
    });
    expect(noInterval.status).toBe(400);
    expect(noInterval.text).toMatch(/^Invalid check: Interval must be > 0/);
    const badWait = await callApi(`${agentU1}/v1/catalog/service/web?index=1&wait=x`);
    expect([badWait.status, badWait.text]).toEqual([400, 'Invalid wait time']);
  });

  it('reaps a service that stays critical past DeregisterCriticalServiceAfter (snake_case body)', {
    timeout: 150_000,
  }, async () => {
    const res = await callApi(`${agentU1}/v1/agent/service/register`, {
      method: 'PUT',
      body: {
        id: 'doomed',
        name: 'doomed',
        port: 1,
        check: { tcp: '192.168.56.11:1', interval: '1s', deregister_critical_service_after: '1s' },
      },
    });
    expect(res.status).toBe(200);
    expect((await callApi(`${agentU1}/v1/agent/services`)).json<Json>().doomed).toBeDefined();
    // Real agents raise 1s to check_deregister_interval_min (1m) and reap every 30 s.
    await new Promise((r) => setTimeout(r, 10_000));
    expect((await callApi(`${agentU1}/v1/agent/services`)).json<Json>().doomed).toBeDefined();
    await waitFor(
      async () => ((await callApi(`${agentU1}/v1/agent/services`)).json<Json>().doomed ? undefined : true),
      'doomed reaped',
      100_000,
      API_POLL,
    );
    const catalog = await waitFor(
      async () => {
        const list = (await callApi(`${agentU2}/v1/catalog/service/doomed`)).json<Json[]>();
        return list.length === 0 ? list : undefined;
      },
      'doomed gone from the catalog',
      30_000,
      API_POLL,
    );
    expect(catalog).toEqual([]);
  });

  it('deregisters a known service from agent and catalog', async () => {
    const res = await callApi(`${agentU1}/v1/agent/service/deregister/weave-web1`, { method: 'PUT' });
    expect([res.status, res.text]).toEqual([200, '']);
    await waitFor(
      async () => {
        const list = (await callApi(`${agentU1}/v1/catalog/service/web`)).json<Json[]>();
        return list.length === 0 ? true : undefined;
      },
      'web gone',
      30_000,
      API_POLL,
    );
    const check = await runOnHost('u1', ['docker', 'ps', '--filter', 'name=web1', '--format', '{{.Names}}']);
    expect(check.stdout.trim()).toBe('web1');
  });
});
