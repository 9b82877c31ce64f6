import { describe, expect, it } from 'vitest';
import type { SshCommand } from '../../../../src/clients/ssh/index.js';
import { ErrorCode, NetopsError } from '../../../../src/errors.js';
import { joinWeavePs, parseDockerPsAll } from '../../../../src/net/isolation/inventory.js';
import { mergeEndpoints } from '../../../../src/net/isolation/match.js';
import { type ResolveDeps, resolveWorkloads } from '../../../../src/net/isolation/resolve.js';
import type { Endpoint } from '../../../../src/net/isolation/types.js';
import { result } from './fake-network.js';

const ID = (n: number) => `${String(n).repeat(12)}${'a'.repeat(52)}`.slice(0, 64);

const PS: Record<string, string> = {
  u1: [
    `${ID(1)} a1 busybox running`,
    `${ID(2)} a2 busybox running`,
    `${ID(3)} noweave busybox running`,
    `${ID(4)} old busybox exited`,
  ].join('\n'),
  u2: [`${ID(5)} b1 busybox running`, `${ID(6)} leaky busybox running`, `${ID(7)} twin busybox running`].join('\n'),
  u3: [`${ID(8)} twin busybox running`, `${ID(9)} httpbackend-0f1e2d3c busybox running`].join('\n'),
};
const WEAVE: Record<string, string> = {
  u1: [
    'weave:expose 02:00:00:00:00:01',
    `${ID(1).slice(0, 12)} 02:00:00:00:01:01 10.32.0.1/24`,
    `${ID(2).slice(0, 12)} 02:00:00:00:01:02 10.32.0.2/24`,
    `${ID(4).slice(0, 12)} 02:00:00:00:01:04 10.32.0.4/24`,
  ].join('\n'),
  u2: [
    `${ID(5).slice(0, 12)} 02:00:00:00:02:05 10.32.1.5/24`,
    `${ID(6).slice(0, 12)} 02:00:00:00:02:06 10.32.0.6/24 10.32.1.6/24`,
    `${ID(7).slice(0, 12)} 02:00:00:00:02:07 10.32.1.7/24`,
  ].join('\n'),
  u3: [
    `${ID(8).slice(0, 12)} 02:00:00:00:03:08 10.32.0.8/24`,
    `${ID(9).slice(0, 12)} 02:00:00:00:03:09 10.32.1.9/24`,
  ].join('\n'),
};

const ALLOC = '0f1e2d3c-1111-2222-3333-444455556666';

function makeDeps(overrides: { downHost?: string; noAllocLabel?: boolean } = {}): ResolveDeps & { calls: string[] } {
  const calls: string[] = [];
  const notFound = () => new NetopsError(ErrorCode.NotFound, 'nope');
  return {
    calls,
    hosts: ['u1', 'u2', 'u3'].map((name, i) => ({ name, address: `192.168.56.1${i + 1}` })),
    tenants: [
      { name: 'default', subnet: '10.32.0.0/24' },
      { name: 'tenant-b', subnet: '10.32.1.0/24' },
    ],
    timeoutMs: 1_000,
    ssh: {
      run: async (host: string, cmd: SshCommand) => {
        calls.push(`${host} ${cmd.template}`);
        if (host === overrides.downHost) {
          throw new NetopsError(ErrorCode.SshConnect, 'x', { userMessage: `ssh to ${host}: ECONNREFUSED` });
        }
        if (cmd.template === 'docker.ps.all') return result({ stdout: PS[host] ?? '' });
        if (cmd.template === 'weave.ps.all') return result({ stdout: WEAVE[host] ?? '' });
        if (
          cmd.template === 'docker.ps.byLabel' &&
          host === 'u3' &&
          !overrides.noAllocLabel &&
          cmd.argv.includes(`label=com.hashicorp.nomad.alloc_id=${ALLOC}`)
        ) {
          return result({ stdout: `${ID(9)}\n` });
        }
        // Nomad before 0.10.2 sets no alloc_id label: the container is found by its <task>-<allocID> name.
        if (cmd.template === 'docker.ps.byName' && host === 'u3' && cmd.argv.includes(`name=^/httpbackend-${ALLOC}$`)) {
          return result({ stdout: `${ID(9)} httpbackend-${ALLOC} running\n` });
        }
        return result({ stdout: '' });
      },
    },
    nomad: {
      listJobAllocations: async (id: string) => {
        if (id !== 'httpbackend-tenant-b') throw notFound();
        // Node names are hostnames (FQDN here), unlike the config's host names: hosts are matched by address.
        return {
          index: 1,
          value: [
            {
              ID: ALLOC,
              NodeID: 'node-u3',
              NodeName: 'u3.lab.internal',
              ClientStatus: 'running',
              TaskStates: { httpbackend: { State: 'running' } },
            },
          ],
        } as never;
      },
      readNode: async (id: string) => {
        if (id !== 'node-u3') throw notFound();
        return { ID: id, Name: 'u3.lab.internal', HTTPAddr: '192.168.56.13:4646', Status: 'ready' } as never;
      },
      readAllocation: async () => {
        throw notFound();
      },
      readJob: async () =>
        ({
          ID: 'httpbackend-tenant-b',
          TaskGroups: [{ Tasks: [{ Name: 'web', Services: [{ Name: 'httpbackend', PortLabel: '8081' }] }] }],
        }) as never,
    },
    consul: {
      catalogService: async (name: string) =>
        (name === 'web-b'
          ? [
              {
                Node: 'u3',
                Address: '192.168.56.13',
                ServiceID: 's1',
                ServiceName: 'web-b',
                ServiceAddress: '10.32.1.9',
                ServicePort: 8081,
              },
              {
                Node: 'u3',
                Address: '192.168.56.13',
                ServiceID: 's2',
                ServiceName: 'web-b',
                ServiceAddress: '172.17.0.2',
                ServicePort: 8081,
              },
            ]
          : []) as never,
    },
  };
}

const signal = () => new AbortController().signal;

describe('docker ps and weave ps parsing', () => {
  it('reads id, first name, image and state, skipping lines that do not fit', () => {
    const rows = parseDockerPsAll(
      `${ID(1)} a1,/other busybox running\n\ngarbage line here\n${ID(2)} b1 img:1 exited\n`,
    );
    expect(rows).toEqual([
      { id: ID(1), name: 'a1', image: 'busybox', state: 'running' },
      { id: ID(2), name: 'b1', image: 'img:1', state: 'exited' },
    ]);
  });

  it('joins weave ps lines by 12-char ID prefix or by name, keeping every address', () => {
    const rows = parseDockerPsAll(PS.u2!);
    const joined = joinWeavePs(rows, `${WEAVE.u2}\nb1 02:00:00:00:02:99 10.32.1.99/24`);
    expect(joined.find((c) => c.name === 'leaky')?.overlayIps).toEqual(['10.32.0.6', '10.32.1.6']);
    expect(joined.find((c) => c.name === 'b1')?.overlayIps).toEqual(['10.32.1.5']);
    expect(joinWeavePs(parseDockerPsAll(PS.u1!), WEAVE.u1!).find((c) => c.name === 'noweave')?.overlayIps).toEqual([]);
  });
});

describe('resolveWorkloads', () => {
  it('finds containers by name on any host, with overlay IP and tenant, listing all hosts in parallel', async () => {
    const deps = makeDeps();
    const r = await resolveWorkloads(deps, ['a1', 'b1'], signal());
    expect(r.sides[0]).toEqual([
      {
        label: 'a1',
        workload: 'a1',
        host: 'u1',
        container: 'a1',
        ip: '10.32.0.1',
        tenant: 'default',
        via: 'container',
      },
    ]);
    expect(r.sides[1]![0]).toMatchObject({ host: 'u2', ip: '10.32.1.5', tenant: 'tenant-b' });
    expect(deps.calls.filter((c) => c.endsWith('docker.ps.all')).sort()).toEqual([
      'u1 docker.ps.all',
      'u2 docker.ps.all',
      'u3 docker.ps.all',
    ]);
  });

  it('expands tenant:<name> to every running container with an address in that subnet', async () => {
    const r = await resolveWorkloads(makeDeps(), ['tenant:default', 'tenant:tenant-b'], signal());
    expect(r.sides[0]!.map((e) => `${e.container}@${e.ip}`)).toEqual([
      'a1@10.32.0.1',
      'a2@10.32.0.2',
      'leaky@10.32.0.6',
      'twin@10.32.0.8',
    ]);
    expect(r.sides[1]!.map((e) => `${e.container}@${e.ip}`)).toEqual([
      'b1@10.32.1.5',
      'httpbackend-0f1e2d3c@10.32.1.9',
      'leaky@10.32.1.6',
      'twin@10.32.1.7',
    ]);
  });

  it('resolves a Nomad job to its allocations’ containers with the service port', async () => {
    const r = await resolveWorkloads(makeDeps(), ['httpbackend-tenant-b', 'a1'], signal());
    expect(r.sides[0]).toEqual([
      expect.objectContaining({
        host: 'u3',
        container: 'httpbackend-0f1e2d3c',
        ip: '10.32.1.9',
        servicePort: 8081,
        via: 'nomad-job',
      }),
    ]);
  });

  it('finds the container by its <task>-<allocID> name where Nomad set no alloc_id label (before 0.10.2)', async () => {
    const deps = makeDeps({ noAllocLabel: true });
    const r = await resolveWorkloads(deps, ['httpbackend-tenant-b', 'a1'], signal());
    expect(r.sides[0]).toEqual([expect.objectContaining({ host: 'u3', ip: '10.32.1.9', via: 'nomad-job' })]);
    expect(deps.calls).toContain('u3 docker.ps.byName');
  });

  it('looks a job up in tenant namespaces when the cluster namespace does not have it', async () => {
    const deps = makeDeps();
    const tenantNomad = deps.nomad;
    const empty = { index: 1, value: [] as never[] };
    deps.nomad = { ...tenantNomad, listJobAllocations: async () => empty as never };
    deps.tenantNomads = [tenantNomad];
    const r = await resolveWorkloads(deps, ['httpbackend-tenant-b', 'a1'], signal());
    expect(r.sides[0]).toEqual([expect.objectContaining({ host: 'u3', ip: '10.32.1.9' })]);
  });

  it('names the node of an allocation that runs on no configured host', async () => {
    const deps = makeDeps();
    deps.nomad = { ...deps.nomad, readNode: async () => ({ ID: 'node-u3', HTTPAddr: '10.9.9.9:4646' }) as never };
    const r = await resolveWorkloads(deps, ['httpbackend-tenant-b', 'httpbackend-tenant-b'], signal()).catch(
      (err: NetopsError) => err,
    );
    expect(String((r as NetopsError).userMessage)).toMatch(
      /no running allocation with a container on a configured host/,
    );
  });

  it('resolves a Consul service by instance address and warns about non-overlay addresses', async () => {
    const r = await resolveWorkloads(makeDeps(), ['web-b', 'a1'], signal());
    expect(r.sides[0]).toEqual([
      expect.objectContaining({
        label: 'web-b/10.32.1.9',
        container: 'httpbackend-0f1e2d3c',
        servicePort: 8081,
        via: 'consul-service',
      }),
    ]);
    expect(r.warnings.join()).toMatch(/172\.17\.0\.2/);
  });

  it('names an unknown workload and what was searched', async () => {
    await expect(resolveWorkloads(makeDeps(), ['a1', 'ghost'], signal())).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      userMessage: expect.stringMatching(/^Unknown workload `ghost`: no container of that name on u1, u2, u3/),
    });
  });

  it('lists the candidates of an ambiguous name', async () => {
    await expect(resolveWorkloads(makeDeps(), ['a1', 'twin'], signal())).rejects.toMatchObject({
      code: ErrorCode.Usage,
      userMessage: expect.stringMatching(
        /`twin` is ambiguous: twin on u2 \(777777777777\), twin on u3 \(888888888888\)/,
      ),
    });
  });

  it('names a container without an overlay address and one that is not running', async () => {
    await expect(resolveWorkloads(makeDeps(), ['a1', 'noweave'], signal())).rejects.toMatchObject({
      userMessage: expect.stringMatching(/`noweave` on u1 has no overlay address/),
    });
    await expect(resolveWorkloads(makeDeps(), ['a1', 'old'], signal())).rejects.toMatchObject({
      userMessage: expect.stringMatching(/`old` on u1 is not running \(state exited\)/),
    });
  });

  it('rejects an unknown tenant with the known ones', async () => {
    await expect(resolveWorkloads(makeDeps(), ['tenant:nobody', 'a1'], signal())).rejects.toMatchObject({
      code: ErrorCode.Usage,
      message: 'unknown tenant `nobody`; known tenants: default, tenant-b',
    });
  });

  it('still resolves from the other hosts when one cannot be listed, and says so', async () => {
    const r = await resolveWorkloads(makeDeps({ downHost: 'u3' }), ['tenant:default', 'b1'], signal());
    expect(r.hostFailures).toEqual([{ host: 'u3', reason: 'ssh to u3: ECONNREFUSED' }]);
    expect(r.sides[0]!.map((e) => e.container)).toEqual(['a1', 'a2', 'leaky']);
    expect(r.warnings.join()).toMatch(/u3 could not be listed/);
    await expect(resolveWorkloads(makeDeps({ downHost: 'u3' }), ['a1', 'ghost'], signal())).rejects.toMatchObject({
      userMessage: expect.stringMatching(/u3 could not be searched: ssh to u3: ECONNREFUSED/),
    });
  });
});

describe('mergeEndpoints', () => {
  const e = (container: string, host: string, ip: string, tenant: string): Endpoint => ({
    label: container,
    workload: container,
    host,
    container,
    ip,
    tenant,
    via: 'tenant',
  });

  it('keeps one entry per container and address, and makes labels unique by host, then tenant', () => {
    const merged = mergeEndpoints([
      [
        e('a1', 'u1', '10.32.0.1', 'default'),
        e('leaky', 'u2', '10.32.0.6', 'default'),
        e('twin', 'u2', '10.32.0.7', 'default'),
      ],
      [
        e('a1', 'u1', '10.32.0.1', 'default'),
        e('leaky', 'u2', '10.32.1.6', 'tenant-b'),
        e('twin', 'u3', '10.32.1.8', 'tenant-b'),
      ],
    ]);
    expect(merged.map((m) => m.label)).toEqual(['a1', 'leaky@default', 'twin@u2', 'leaky@tenant-b', 'twin@u3']);
  });
});
