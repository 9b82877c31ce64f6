import type { Report, StatusView } from '../../../../src/report/model.js';

/** Representative inputs for the renderer golden files. Deterministic: no clock, no randomness. */
export interface RenderCase {
  name: string;
  status: StatusView;
  report?: Report;
  nowMs?: number;
}

const deploy: RenderCase = {
  name: 'deploy',
  status: {
    jobId: 'job-deploy-1',
    state: 'succeeded',
    commandText: '/deploy httpbackend subnet=tenant-b',
    userId: 'U123ABC',
    history: ['rendered', 'planned', 'registered', 'placed 2/2', 'consul fixed 2'],
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_072_400,
  },
  report: {
    command: 'deploy',
    ok: true,
    title: 'deploy httpbackend-tenant-b: healthy 2/2',
    job: 'httpbackend-tenant-b',
    tenant: 'tenant-b',
    subnet: '10.32.2.0/24',
    blocks: [
      { kind: 'heading', text: 'httpbackend-tenant-b on tenant-b' },
      {
        kind: 'fields',
        fields: [
          { label: 'Job', value: '`httpbackend-tenant-b`' },
          { label: 'Subnet', value: '10.32.2.0/24' },
          { label: 'Evaluation', value: '`5f1c2a9e`' },
          { label: 'Deployment', value: '`a7d0e311` successful' },
        ],
      },
      {
        kind: 'table',
        columns: ['alloc', 'node', 'overlay IP', 'status', 'healthy'],
        rows: [
          ['3f2a91c0', 'u1', '10.32.2.1', 'running', 'yes'],
          ['b81e44d7', 'u2', '10.32.2.2', 'running', 'yes'],
        ],
        caption: 'Consul addresses fixed for 2 services (Nomad had registered 172.17.0.x)',
      },
      { kind: 'text', text: 'Health checks: *2 passing* at `http://10.32.2.1:8080/health` & 10.32.2.2 <ok>' },
    ],
  },
};

const isolation: RenderCase = {
  name: 'isolation',
  status: {
    jobId: 'job-iso-1',
    state: 'failed',
    commandText: '/isolation-check a1 b1',
    userId: 'U0ALICE',
    history: ['resolved a1', 'resolved b1', 'probed a1→b1', 'probed b1→a1'],
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_009_300,
  },
  report: {
    command: 'isolation-check',
    ok: false,
    title: 'isolation-check a1 b1: LEAK (tenant-a ↔ tenant-b reachable)',
    blocks: [
      { kind: 'heading', text: 'a1 (tenant-a) ↔ b1 (tenant-b)' },
      { kind: 'alert', level: 'danger', text: 'Isolation broken: b1 reached a1 on tcp/8080. Expected *isolated*.' },
      {
        kind: 'code',
        text: [
          'from  to  proto     expected  observed',
          'a1    b1  icmp      isolated  isolated',
          'a1    b1  tcp/8080  isolated  isolated',
          'b1    a1  icmp      isolated  isolated',
          'b1    a1  tcp/8080  isolated  REACHABLE  <-- leak',
        ].join('\n'),
      },
      { kind: 'alert', level: 'warning', text: 'a1 runs on the docker bridge too (172.17.0.2); probes used ethwe.' },
    ],
    thread: [
      { kind: 'heading', text: 'Probe log' },
      { kind: 'code', text: 'b1$ nc -z -w 2 10.32.1.5 8080\nConnection to 10.32.1.5 8080 port [tcp/*] succeeded!' },
    ],
  },
};

const bench: RenderCase = {
  name: 'cni-bench',
  status: {
    jobId: 'job-bench-1',
    state: 'succeeded',
    commandText: '/cni-bench weave',
    userId: 'U0BOB',
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_195_000,
  },
  report: {
    command: 'cni-bench',
    ok: true,
    title: 'cni-bench weave: TCP good (0.81), UDP fair (0.62)',
    blocks: [
      {
        kind: 'table',
        columns: ['test', 'bare Mbps', 'weave Mbps', 'ratio', 'rating'],
        rows: [
          ['tcp', '9410', '7622', '0.81', 'good'],
          ['udp', '3120', '1934', '0.62', 'fair'],
          ['http', '8800', '7920', '0.90', 'very good'],
        ],
      },
      { kind: 'fields', fields: [{ label: 'MTU', value: 'underlay 9000, overlay 1376 → recommend 8950' }] },
      { kind: 'image', path: '/tmp/netops/charts/bench-weave.png', title: 'weave vs bare metal', altText: 'bars' },
    ],
    files: [
      { path: '/tmp/netops/charts/bench-weave.png', title: 'weave vs bare metal' },
      { path: '/tmp/netops/charts/bench-history.png', title: 'history' },
    ],
  },
};

const longLine = (i: number) => `line ${String(i).padStart(4, '0')}: ${'x'.repeat(60)} <tag> & more`;

const huge: RenderCase = {
  name: 'huge',
  status: {
    jobId: 'job-huge-1',
    state: 'running',
    commandText: `/isolation-check tenant-a tenant-b ${'y'.repeat(400)}`,
    userId: 'U0CAROL',
    step: 'probing 118/240',
    history: Array.from({ length: 60 }, (_, i) => `step ${i + 1} of a long matrix run`),
    startedAt: 1_700_000_000_000,
  },
  nowMs: 1_700_000_754_000,
  report: {
    command: 'isolation-check',
    ok: true,
    title: `isolation matrix tenant-a × tenant-b: ${'z'.repeat(400)}`,
    // Many small blocks first, so the main message hits the block limit; the big ones then overflow into the
    // thread, where they hit the section limit and the per-message JSON size.
    blocks: [
      { kind: 'heading', text: `Matrix ${'h'.repeat(200)}` },
      {
        kind: 'fields',
        fields: Array.from({ length: 23 }, (_, i) => ({ label: `pair ${i + 1}`, value: `a${i} → b${i}: isolated` })),
      },
      ...Array.from({ length: 50 }, (_, i) => ({ kind: 'alert' as const, level: 'info' as const, text: `note ${i}` })),
      { kind: 'text', text: Array.from({ length: 200 }, (_, i) => longLine(i)).join('\n') },
      {
        kind: 'table',
        columns: ['from', 'to', 'proto', 'expected', 'observed'],
        rows: Array.from({ length: 240 }, (_, i) => [`a${i}`, `b${i}`, 'tcp/8080', 'isolated', 'isolated']),
      },
      { kind: 'code', text: 'c'.repeat(5000) },
      { kind: 'image', path: '/tmp/netops/charts/matrix.png', title: 'matrix', altText: 'matrix' },
    ],
    thread: [
      ...Array.from({ length: 80 }, (_, i) => ({ kind: 'text' as const, text: `probe ${i}: isolated` })),
      ...Array.from({ length: 40 }, (_, i) => ({ kind: 'code' as const, text: longLine(i).repeat(3) })),
    ],
    files: [{ path: '/tmp/netops/charts/matrix.png', title: 'matrix' }],
  },
};

const failed: RenderCase = {
  name: 'failed',
  status: {
    jobId: 'job-fail-1',
    state: 'failed',
    commandText: '/deploy httpbackend subnet=tenant-z',
    userId: 'U123ABC',
    history: ['rendered'],
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_001_200,
    errorText: 'Unknown tenant `tenant-z` <!channel> & friends. Known: tenant-a, tenant-b.',
  },
};

/** Every golden case, in a stable order. */
export const renderCases: RenderCase[] = [deploy, isolation, bench, huge, failed];
