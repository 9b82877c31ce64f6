import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runOnHost } from './host-exec.js';
import { downLab } from './lab-down.js';
import { checkLabSupport } from './lab-support.js';
import { upLab } from './lab-up.js';
import { CONFIG_PATH } from './topology.js';

/**
 * `npm run demo`: the lab up, the three commands end to end through the real pipeline (one-shot CLI: parse,
 * queue on an embedded redis-server, worker, rendered reply), results printed, lab down. Exits non-zero when a
 * step that should succeed did not, so it doubles as a smoke test.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const failures: string[] = [];

function banner(text: string): void {
  process.stdout.write(`\n${'='.repeat(100)}\n${text}\n${'='.repeat(100)}\n`);
}

/** Runs `npm run netops -- "<text>"` with the lab config, streaming its output; returns the exit code. */
function netops(text: string, expectCode = 0): Promise<number> {
  process.stdout.write(`\n$ npm run netops -- "${text}" --config ${CONFIG_PATH}\n`);
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(ROOT, 'src/main/cli.ts'), text, '--config', CONFIG_PATH],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
      },
    );
    child.on('exit', (code) => {
      if (code !== expectCode) failures.push(`"${text}" exited ${code}, expected ${expectCode}`);
      resolvePromise(code ?? 1);
    });
  });
}

async function onHost(host: 'u1' | 'u2' | 'u3', line: string): Promise<string> {
  process.stdout.write(`\n[${host}]$ ${line}\n`);
  const r = await runOnHost(host, ['sh', '-c', line]);
  const out = `${r.stdout}${r.stderr}`.trim();
  if (out) process.stdout.write(`${out}\n`);
  if (r.code !== 0) failures.push(`${host}: ${line} exited ${r.code}`);
  return r.stdout.trim();
}

async function curlByConsulName(): Promise<void> {
  banner('2. The service by its Consul DNS name, fetched from a tenant-b container on u1');
  await onHost(
    'u1',
    'docker -H unix:///var/run/weave/weave.sock run -d --name demo-client -e WEAVE_CIDR=net:10.32.1.0/24 busybox',
  );
  // The name is resolved on the host, by the host's own Consul agent: it listens on the host's loopback (Consul's
  // default client_addr), and busybox's nslookup cannot ask another port than 53.
  const ips = await onHost('u1', 'dig +short @127.0.0.1 -p 8600 httpbackend-tenant-b.service.consul');
  const first = ips.split('\n').find((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l));
  if (!first) {
    failures.push('Consul DNS returned no address for httpbackend-tenant-b');
    return;
  }
  await onHost('u1', `docker exec demo-client wget -q -O - http://${first}:8081/`);
}

async function isolation(): Promise<void> {
  banner(
    "3. /isolation-check: the article's containers (a1, a2 default on u1; b1, b2 tenant-b on u2), then both tenants (the docker0 leak)",
  );
  await onHost('u1', 'eval $(weave env) && docker run -d --name a1 busybox && docker run -d --name a2 busybox');
  await onHost(
    'u2',
    'eval $(weave env) && docker run -d --name b1 -e WEAVE_CIDR=net:10.32.1.0/24 busybox && docker run -d --name b2 -e WEAVE_CIDR=net:10.32.1.0/24 busybox',
  );
  await netops('/isolation-check a1 b1');
  await netops('/isolation-check a1 a2');
  // Tenant-wide: the lab's Docker runs with --icc=true, Docker's default, so the default tenant's a1/a2 and
  // tenant-b's demo-client and httpbackend instance on u1 reach each other over docker0 although the overlay
  // keeps them apart. The check reports that leak with the fix (--icc=false) and exits 1, as it must.
  await netops('/isolation-check tenant:default tenant:tenant-b', 1);
}

async function main(): Promise<void> {
  const support = await checkLabSupport();
  if (!support.supported) throw new Error(`the demo needs the lab: ${support.reason}`);
  // upLab takes the cross-process lab lock and keeps it until downLab, so no test run tears the demo's lab down.
  try {
    banner('0. Lab up (3 hosts, weave at MTU 1376, flannel, emulated Nomad and Consul)');
    await upLab();
    banner('1. /deploy httpbackend subnet=tenant-b');
    await netops('/deploy httpbackend subnet=tenant-b');
    await curlByConsulName();
    await isolation();
    banner('4. /cni-bench weave at the default overlay MTU (1376)');
    await netops('/cni-bench weave duration=5s repeat=1');
    banner('5. Lab up again with --overlay-mtu 8916, /cni-bench weave again, then weave vs flannel vs routed');
    await upLab({ overlayMtu: 8916 });
    await netops('/cni-bench weave duration=5s repeat=1');
    await netops('/cni-bench flannel duration=5s repeat=1');
    // The routed network (no encapsulation, MTU = underlay): the study's Calico-BGP / host-gw reference.
    await netops('/cni-bench routed duration=5s repeat=1');
    await netops('/cni-bench compare weave flannel routed');
  } finally {
    banner('6. Lab down');
    await downLab();
  }
  if (failures.length) {
    process.stdout.write(
      `\nDemo finished with ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('\nDemo finished: every step succeeded.\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
