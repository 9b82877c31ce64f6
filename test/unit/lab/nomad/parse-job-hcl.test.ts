import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalizeJob } from '../../../lab/nomad/canonicalize-job.js';
import type { HttpError } from '../../../lab/nomad/http/http-error.js';
import { parseJobHcl } from '../../../lab/nomad/parse-job-hcl.js';
import { validateJob } from '../../../lab/nomad/validate-job.js';

const articleHcl = readFileSync(new URL('../../../fixtures/nomad/article-job.nomad.hcl', import.meta.url), 'utf8');

async function parseError(text: string, grammar: 'hcl1' | 'hcl2' = 'hcl2'): Promise<HttpError> {
  try {
    await parseJobHcl(text, grammar);
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('expected a parse error');
}

describe('parseJobHcl', () => {
  it('maps the article job to the JSON job form', async () => {
    const job = await parseJobHcl(articleHcl);
    expect(job).toMatchObject({ ID: 'httpbackend', Name: 'httpbackend', Type: 'service', Datacenters: ['dc1'] });
    expect(job.Update).toEqual({ MinHealthyTime: 2_000_000_000 });
    const group = job.TaskGroups?.[0];
    expect(group).toMatchObject({ Name: 'httpbackend', Count: 2 });
    const task = group?.Tasks?.[0];
    expect(task).toEqual({
      Name: 'httpbackend',
      Driver: 'docker',
      Config: { image: 'bigwhite/httpbackendservice:v1.0.0', port_map: [{ http: 8081 }] },
      Env: { WEAVE_CIDR: 'net:10.32.0.0/24' },
      Resources: {
        CPU: 100,
        MemoryMB: 128,
        Networks: [{ MBits: 10, ReservedPorts: [{ Label: 'http', Value: 8081 }] }],
      },
      Services: [
        {
          Name: 'httpbackend',
          PortLabel: 'http',
          Checks: [
            { Name: 'httpbackend-alive', Type: 'http', Path: '/', Interval: 2_000_000_000, Timeout: 1_000_000_000 },
          ],
        },
      ],
    });
  });

  it('keeps nested config blocks as arrays of objects and dynamic ports with value 0', async () => {
    const job = await parseJobHcl(`job "web" {
  datacenters = ["dc1"]
  group "web" {
    task "web" {
      driver = "docker"
      config {
        image = "nginx"
        network_mode = "weave"
        logging {
          type = "syslog"
          config {
            tag = "web"
          }
        }
      }
      env {
        ID = "\${NOMAD_ALLOC_ID}"
      }
      resources {
        network {
          port "http" {}
        }
      }
      service {
        name = "web"
        port = 8080
        address_mode = "driver"
      }
    }
  }
}`);
    const task = job.TaskGroups?.[0]?.Tasks?.[0];
    expect(task?.Config).toEqual({
      image: 'nginx',
      network_mode: 'weave',
      logging: [{ type: 'syslog', config: [{ tag: 'web' }] }],
    });
    // Interpolations stay literal strings in the job JSON; the client fills them in.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal `${…}` text is what is asserted
    expect(task?.Env).toEqual({ ID: '${NOMAD_ALLOC_ID}' });
    expect(task?.Resources?.Networks).toEqual([{ DynamicPorts: [{ Label: 'http', Value: 0 }] }]);
    expect(task?.Services?.[0]).toEqual({ Name: 'web', PortLabel: '8080', AddressMode: 'driver' });
  });

  it('answers 400 "Job spec is empty" only for empty text (JobHCL == "")', async () => {
    const err = await parseError('');
    expect([err.status, err.body]).toEqual([400, 'Job spec is empty']);
    const blank = await parseError('  \n');
    expect(blank.body).toMatch(/^Failed to parse job: /);
  });

  it('follows HCL1 (0.9.x) semantics: no prefix, only job at the top, no HCL2 expressions', async () => {
    await expect(parseJobHcl(articleHcl, 'hcl1')).resolves.toMatchObject({ ID: 'httpbackend' });
    const syntax = await parseError('job "x" {\n  count = \n}', 'hcl1');
    expect(syntax.body).toMatch(/^error parsing: input\.hcl:2/);
    const variable = await parseError(`variable "image" {}\n${articleHcl}`, 'hcl1');
    expect([variable.status, variable.body]).toEqual([400, '1 error occurred:\n\t* invalid key: variable\n\n']);
    const call = await parseError(articleHcl.replace('count = 2', 'count = max(1, 2)'), 'hcl1');
    expect(call.body).toMatch(/^error parsing: expression \$\{max\(1, 2\)\} is HCL2 syntax/);
    // The same text is fine for HCL2 (1.0+).
    await expect(parseJobHcl(`variable "image" {\n  default = "x"\n}\n${articleHcl}`, 'hcl2')).resolves.toBeDefined();
  });

  it('answers 400 "Failed to parse job: <diagnostic>" for a syntax error', async () => {
    const err = await parseError('job "x" {\n  count = \n}');
    expect(err.status).toBe(400);
    expect(err.body).toMatch(/^Failed to parse job: input\.hcl:2,\d+-[\d,]+: Invalid expression/);
  });
});

describe('canonicalizeJob and validateJob', () => {
  it('fills Nomad defaults including the update strategy, keeping the job own min_healthy_time', async () => {
    const job = canonicalizeJob(await parseJobHcl(articleHcl));
    expect(job).toMatchObject({ Namespace: 'default', Region: 'global', Priority: 50 });
    expect(job.Update).toMatchObject({ MinHealthyTime: 2e9, HealthyDeadline: 300e9, HealthCheck: 'checks' });
    expect(job.TaskGroups?.[0]?.Update?.MinHealthyTime).toBe(2e9);
    expect(validateJob(job)).toBeUndefined();
  });

  it('reports validation problems as go-multierror text', async () => {
    const job = canonicalizeJob(await parseJobHcl(articleHcl));
    const group = job.TaskGroups?.[0];
    if (!group) throw new Error('no group');
    group.Count = -1;
    expect(validateJob(job)).toBe(
      "1 error occurred:\n\t* Task group httpbackend validation failed: 1 error occurred:\n\t* Task group count can't be negative\n\n\n\n",
    );
    expect(validateJob({ ...job, TaskGroups: [] })).toBe('1 error occurred:\n\t* Missing job task groups\n\n');
  });

  it('flags a docker task without an image', async () => {
    const job = canonicalizeJob(await parseJobHcl(articleHcl));
    const task = job.TaskGroups?.[0]?.Tasks?.[0];
    if (!task) throw new Error('no task');
    task.Config = {};
    expect(validateJob(job)).toContain('Missing required argument: The argument "image" is required');
  });
});
