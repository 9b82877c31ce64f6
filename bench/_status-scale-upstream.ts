import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The fake Nomad and Consul of bench/status-scale.ts, in a process of its own: `<jobs> <nodes> <tenant,...>`.
 * Prints `{"url","bytes"}` on one line once it listens. JobListStubs are shaped like Nomad's
 * (nomad/structs/structs.go JobListStub, with a JobSummary), about 1 KB each; one node per 100 jobs.
 */
function jobStub(i: number, tenants: string[]) {
  const tenant = tenants[i % tenants.length];
  return {
    ID: `svc-${i}-${tenant}`,
    ParentID: '',
    Name: `svc-${i}-${tenant}`,
    Namespace: 'default',
    Datacenters: ['dc1'],
    Multiregion: null,
    Type: 'service',
    Priority: 50,
    Periodic: false,
    ParameterizedJob: false,
    Stop: false,
    Status: i % 17 === 0 ? 'pending' : 'running',
    StatusDescription: '',
    JobSummary: {
      JobID: `svc-${i}-${tenant}`,
      Namespace: 'default',
      Summary: { web: { Queued: 0, Complete: 0, Failed: 0, Running: 1, Starting: 0, Lost: 0, Unknown: 0 } },
      Children: { Pending: 0, Running: 0, Dead: 0 },
      CreateIndex: 10 + i,
      ModifyIndex: 20 + i,
    },
    CreateIndex: 10 + i,
    ModifyIndex: 20 + i,
    JobModifyIndex: 20 + i,
    SubmitTime: 1_700_000_000_000_000_000 + i,
    Meta: { owner: 'bench', tenant },
  };
}

async function serve(jobs: number, nodes: number, tenants: string[]) {
  const jobsBody = JSON.stringify(Array.from({ length: jobs }, (_, i) => jobStub(i, tenants)));
  const nodesBody = JSON.stringify(
    Array.from({ length: nodes }, (_, i) => ({
      ID: `node-${i}`,
      Name: `h${i}`,
      Address: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      Datacenter: 'dc1',
      Status: 'ready',
      SchedulingEligibility: 'eligible',
      Drain: false,
      Version: '1.9.7',
    })),
  );
  const membersBody = JSON.stringify(
    Array.from({ length: nodes }, (_, i) => ({
      Name: `h${i}`,
      Addr: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      Port: 8301,
      Status: 1,
      Tags: {},
    })),
  );
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = path === '/v1/jobs' ? jobsBody : path === '/v1/nodes' ? nodesBody : membersBody;
    res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '42' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ url, bytes: jobsBody.length })}\n`);
}

const [jobs, nodes, tenants] = process.argv.slice(2);
await serve(Number(jobs), Number(nodes), (tenants ?? 'default').split(','));
