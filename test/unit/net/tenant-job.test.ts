import { describe, expect, it } from 'vitest';
import { applyTenant, overlayServices, tenantJobId } from '../../../src/net/tenant-job.js';

/** The parse result of jobs/httpbackend.nomad.hcl as Nomad's /v1/jobs/parse returns it (relevant fields). */
const parsed = () => ({
  ID: 'httpbackend',
  Name: 'httpbackend',
  Type: 'service',
  Meta: { owner: 'ops' },
  TaskGroups: [
    {
      Name: 'httpbackend',
      Count: 2,
      Tasks: [
        {
          Name: 'httpbackend',
          Driver: 'docker',
          Config: { image: 'bigwhite/httpbackendservice:v1.0.0', dns_servers: ['172.17.0.1'] },
          Env: { WEAVE_CIDR: 'net:default' },
          Services: [
            {
              Name: 'httpbackend',
              PortLabel: '8081',
              AddressMode: 'driver',
              Tags: ['http'],
              Checks: [{ Type: 'http', Path: '/', PortLabel: '8081', Interval: 5_000_000_000, Timeout: 2_000_000_000 }],
            },
          ],
        },
      ],
    },
  ],
});

describe('applyTenant', () => {
  it('gives each tenant its own job ID, WEAVE_CIDR in proxy mode and tenant meta', () => {
    const original = parsed();
    const job = applyTenant(
      original,
      'httpbackend',
      { tenant: 'tenant-b', subnet: '10.32.1.0/24', attach: 'proxy' },
      { count: 3 },
    );
    expect(job.ID).toBe('httpbackend-tenant-b');
    expect(job.Name).toBe('httpbackend-tenant-b');
    expect(job.Meta).toEqual({
      owner: 'ops',
      tenant: 'tenant-b',
      netops_template: 'httpbackend',
      netops_managed: 'true',
    });
    const group = (job.TaskGroups as Array<Record<string, unknown>>)[0]!;
    expect(group.Count).toBe(3);
    const task = (group.Tasks as Array<Record<string, unknown>>)[0]!;
    expect(task.Env).toEqual({ WEAVE_CIDR: 'net:10.32.1.0/24', NETOPS_TENANT: 'tenant-b' });
    expect((task.Config as Record<string, unknown>).network_mode).toBeUndefined();
    // the template object is not modified
    expect(original.ID).toBe('httpbackend');
    expect(original.TaskGroups[0]!.Tasks[0]!.Env.WEAVE_CIDR).toBe('net:default');
  });

  it('uses network_mode instead of WEAVE_CIDR in plugin mode, and overrides the image', () => {
    const job = applyTenant(
      parsed(),
      'httpbackend',
      { tenant: 'default', subnet: '10.32.0.0/24', attach: 'plugin', dockerNetwork: 'weave' },
      { image: 'nginx:1.25' },
    );
    const task = ((job.TaskGroups as Array<Record<string, unknown>>)[0]!.Tasks as Array<Record<string, unknown>>)[0]!;
    expect(task.Config).toMatchObject({ image: 'nginx:1.25', network_mode: 'weave' });
    expect((task.Env as Record<string, string>).WEAVE_CIDR).toBeUndefined();
  });

  it('refuses an image override when the job has several docker tasks', () => {
    const two = parsed();
    two.TaskGroups[0]!.Tasks.push({ ...two.TaskGroups[0]!.Tasks[0]!, Name: 'sidecar' });
    const attempt = () =>
      applyTenant(two, 'httpbackend', { tenant: 'default', subnet: '10.32.0.0/24', attach: 'proxy' }, { image: 'x:1' });
    expect(attempt).toThrow(
      expect.objectContaining({ userMessage: expect.stringMatching(/exactly one docker task.*found 2/) }),
    );
  });

  it('tenantJobId joins template and tenant', () => {
    expect(tenantJobId('web', 'tenant-b')).toBe('web-tenant-b');
  });
});

describe('overlayServices', () => {
  it('turns the template service into a per-tenant overlay registration with its check', () => {
    expect(overlayServices(parsed(), 'tenant-b')).toEqual([
      {
        task: 'httpbackend',
        templateName: 'httpbackend',
        name: 'httpbackend-tenant-b',
        port: 8081,
        tags: ['http', 'netops', 'overlay', 'tenant-tenant-b'],
        check: { type: 'http', path: '/', intervalMs: 5000, timeoutMs: 2000 },
      },
    ]);
  });

  it('skips services with a port label instead of a number (nothing to check on the overlay)', () => {
    const job = parsed();
    job.TaskGroups[0]!.Tasks[0]!.Services[0]!.PortLabel = 'http';
    expect(overlayServices(job, 'default')).toEqual([]);
  });
});
