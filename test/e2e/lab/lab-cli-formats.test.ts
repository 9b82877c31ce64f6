import { beforeAll, describe, expect, it } from 'vitest';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, runOnHostOk } from '../../lab/lab-support.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab docker/weave CLI formats');

const WEAVE_PROXY = 'unix:///var/run/weave/weave.sock';
const docker = (...args: string[]) => runOnHost('u1', ['docker', ...args]);
const weave = (...args: string[]) => runOnHost('u1', ['weave', ...args]);

interface InspectDoc {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number; StartedAt: string; FinishedAt: string };
  Config: { Image: string; Env: string[]; Labels: Record<string, string>; Cmd: string[] };
  NetworkSettings: {
    IPAddress: string;
    MacAddress: string;
    Networks: Record<string, { IPAddress: string; MacAddress: string; IPPrefixLen: number; Gateway: string }>;
  };
}

async function inspect(name: string): Promise<InspectDoc> {
  const docs = JSON.parse(await runOnHostOk('u1', ['docker', 'inspect', name])) as InspectDoc[];
  expect(docs).toHaveLength(1);
  return docs[0]!;
}

describe.skipIf(skipLab)('lab docker and weave CLIs', () => {
  let proxyId = '';
  // Pinned to the article's multi-tenant launch: the formats checked here carry its range (10.32.0.0/16) and
  // /24 default-subnet addresses; under the default launch (10.32.0.0/12, subnet = range) they differ by design.
  useLabForTests({ withoutEmulators: true, weaveLaunch: 'multi-tenant' });
  beforeAll(async () => {
    const run = await docker(
      '-H',
      WEAVE_PROXY,
      'run',
      '-d',
      '--name',
      'web',
      '-l',
      'tier=front',
      '-e',
      'WEAVE_CIDR=net:10.32.1.0/24',
      '-e',
      'GREETING=hi',
      'bigwhite/httpbackendservice:v1.0.0',
    );
    expect(run.stderr).toBe('');
    proxyId = run.stdout.trim();
    expect((await docker('run', '-d', '--name', 'plug', '--net=weave', 'busybox')).code).toBe(0);
  }, LAB_LOCK_WAIT_MS);

  it("attaches WEAVE_CIDR only through the proxy socket (-H or DOCKER_HOST), never through Docker's own", async () => {
    expect((await docker('run', '-d', '--name', 'direct', '-e', 'WEAVE_CIDR=net:10.32.1.0/24', 'busybox')).code).toBe(
      0,
    );
    expect(await weave('ps', 'direct')).toMatchObject({ code: 0, stdout: '' });
    const links = await runOnHostOk('u1', ['docker', 'exec', 'direct', 'ip', '-o', 'link']);
    expect(links).not.toContain('ethwe');
    const viaEnv = await runOnHostOk('u1', [
      'sh',
      '-c',
      'eval $(weave env) && docker run -d --name envd -e WEAVE_CIDR=net:10.32.1.0/24 busybox >/dev/null && weave ps envd',
    ]);
    expect(viaEnv).toMatch(/^envd [0-9a-f:]{17} 10\.32\.1\.\d+\/24\n$/);
    const elsewhere = await docker('-H', 'tcp://127.0.0.1:2375', 'ps');
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('Cannot connect to the Docker daemon at tcp://127.0.0.1:2375');
    await docker('rm', '-f', 'direct', 'envd');
  });

  it('prints a 64-hex id from docker run -d and lists it in docker ps with the real table header', async () => {
    expect(proxyId).toMatch(/^[0-9a-f]{64}$/);
    const lines = (await runOnHostOk('u1', ['docker', 'ps'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID {3}IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    const row = lines.find((l) => l.endsWith(' web'));
    expect(row).toMatch(
      new RegExp(
        `^${proxyId.slice(0, 12)} +bigwhite/httpbackendservice:v1.0.0 +"busybox httpd -f -p…" +.+ago +Up .+ web$`,
      ),
    );
  });

  it('supports docker ps -q, --no-trunc, filters and --format templates', async () => {
    expect((await runOnHostOk('u1', ['docker', 'ps', '-q', '--filter', 'label=tier=front'])).trim()).toBe(
      proxyId.slice(0, 12),
    );
    expect((await runOnHostOk('u1', ['docker', 'ps', '-q', '--no-trunc', '--filter', 'name=^/web$'])).trim()).toBe(
      proxyId,
    );
    expect((await runOnHostOk('u1', ['docker', 'ps', '-q', '--filter', 'label=tier=back'])).trim()).toBe('');
    const formatted = await runOnHostOk('u1', [
      'docker',
      'ps',
      '--filter',
      'name=web',
      '--format',
      '{{.ID}} {{.Names}} {{.State}}',
    ]);
    expect(formatted).toBe(`${proxyId.slice(0, 12)} web running\n`);
    const json = JSON.parse(
      (await runOnHostOk('u1', ['docker', 'ps', '--filter', 'name=plug', '--format', '{{json .}}'])).trim(),
    );
    expect(json).toMatchObject({ Names: 'plug', Image: 'busybox', State: 'running', Networks: 'weave' });
  });

  it('inspects proxy-mode containers with only the bridge network (the overlay IP is invisible to Docker)', async () => {
    const doc = await inspect('web');
    expect(doc.Id).toBe(proxyId);
    expect(doc.Name).toBe('/web');
    expect(doc.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0 });
    expect(doc.State.Pid).toBeGreaterThan(1);
    expect(doc.Config.Image).toBe('bigwhite/httpbackendservice:v1.0.0');
    expect(doc.Config.Labels).toEqual({ tier: 'front' });
    expect(doc.Config.Env).toContain('WEAVE_CIDR=net:10.32.1.0/24');
    expect(Object.keys(doc.NetworkSettings.Networks)).toEqual(['bridge']);
    expect(doc.NetworkSettings.IPAddress).toMatch(/^172\.17\.0\.\d+$/);
    expect(doc.NetworkSettings.Networks.bridge).toMatchObject({ IPPrefixLen: 16, Gateway: '172.17.0.1' });
    expect(doc.NetworkSettings.MacAddress).toMatch(/^02:42:ac:11:/);
  });

  it('inspects plugin-mode containers with the weave network and its overlay IP', async () => {
    const doc = await inspect('plug');
    expect(Object.keys(doc.NetworkSettings.Networks)).toEqual(['weave']);
    expect(doc.NetworkSettings.Networks.weave?.IPAddress).toMatch(/^10\.32\.0\.\d+$/);
    expect(doc.NetworkSettings.IPAddress).toBe('');
    const ranged = await runOnHostOk('u1', [
      'docker',
      'inspect',
      '-f',
      '{{range $n, $v := .NetworkSettings.Networks}}{{$n}}={{$v.IPAddress}} {{end}}',
      'web',
      'plug',
    ]);
    expect(ranged).toBe(
      `bridge=${(await inspect('web')).NetworkSettings.IPAddress} \nweave=${doc.NetworkSettings.Networks.weave?.IPAddress} \n`,
    );
  });

  it('evaluates the -f templates the bot uses and rejects unknown fields like docker', async () => {
    const out = await runOnHostOk('u1', [
      'docker',
      'inspect',
      '-f',
      '{{.State.Pid}} {{.Id}} {{.State.Status}} {{.NetworkSettings.IPAddress}} {{json .Config.Labels}}',
      'web',
    ]);
    const doc = await inspect('web');
    expect(out).toBe(`${doc.State.Pid} ${proxyId} running ${doc.NetworkSettings.IPAddress} {"tier":"front"}\n`);
    const bad = await docker('inspect', '-f', '{{.Nope}}', 'web');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('map has no entry for key "Nope"');
  });

  it('matches weave ps to the container interface and the container IP to the real one', async () => {
    const all = (await runOnHostOk('u1', ['weave', 'ps'])).trim().split('\n');
    expect(all[0]).toMatch(/^weave:expose ([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const line = all.find((l) => l.startsWith(proxyId.slice(0, 12)));
    const [, mac, cidr] = line?.split(' ') ?? [];
    expect(cidr).toMatch(/^10\.32\.1\.\d+\/24$/);
    const named = (await runOnHostOk('u1', ['weave', 'ps', 'web'])).trim();
    expect(named).toBe(`web ${mac} ${cidr}`);
    const inside = await runOnHostOk('u1', ['docker', 'exec', 'web', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'ethwe']);
    expect(inside).toContain(`inet ${cidr} `);
    const link = await runOnHostOk('u1', ['docker', 'exec', 'web', 'ip', '-o', 'link', 'show', 'ethwe']);
    expect(link).toContain(`link/ether ${mac}`);
    expect(link).toContain('mtu 1376');
  });

  it('serves the article backend on 8081 and propagates exec exit codes', async () => {
    const doc = await inspect('web');
    const body = await runOnHostOk('u1', ['wget', '-q', '-O', '-', `http://${doc.NetworkSettings.IPAddress}:8081/`]);
    expect(body.trim()).toBe('this is httpbackendservice, version: v1.0.0');
    expect((await docker('exec', 'web', 'sh', '-c', 'exit 7')).code).toBe(7);
    const missing = await docker('exec', 'web', 'no-such-tool');
    expect(missing.code).toBe(126);
  });

  it('records a crashing container as exited with its code and logs', async () => {
    expect((await docker('run', '-d', '--name', 'crash', 'bigwhite/httpbackendservice:crash')).code).toBe(0);
    let status = '';
    for (let i = 0; i < 60 && status !== 'exited 1'; i++) {
      status = (
        await runOnHostOk('u1', ['docker', 'inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'crash'])
      ).trim();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('exited 1');
    expect((await docker('logs', 'crash')).stderr).toContain('fatal');
    expect(await runOnHostOk('u1', ['docker', 'ps', '-q', '--filter', 'name=crash'])).toBe('');
    expect(
      (await runOnHostOk('u1', ['docker', 'ps', '-a', '--filter', 'name=crash', '--format', '{{.Status}}'])).trim(),
    ).toMatch(/^Exited \(1\) .+ ago$/);
    const exec = await docker('exec', 'crash', 'true');
    expect(exec.code).toBe(1);
    expect(exec.stderr.trim()).toMatch(/^Error response from daemon: container [0-9a-f]{64} is not running$/);
  });

  it('prints docker error texts and exit codes for unknown containers and images, and name conflicts', async () => {
    const exec = await docker('exec', 'ghost', 'true');
    expect([exec.code, exec.stderr.trim()]).toEqual([1, 'Error: No such container: ghost']);
    const rm = await docker('rm', '-f', 'ghost');
    expect([rm.code, rm.stderr.trim()]).toEqual([1, 'Error response from daemon: No such container: ghost']);
    const ins = await docker('inspect', 'ghost');
    expect([ins.code, ins.stdout.trim(), ins.stderr.trim()]).toEqual([1, '[]', 'Error: No such object: ghost']);
    const pull = await docker('run', '-d', 'nosuch/image');
    expect(pull.code).toBe(125);
    expect(pull.stderr).toContain("Unable to find image 'nosuch/image:latest' locally");
    expect(pull.stderr).toContain('pull access denied for nosuch/image, repository does not exist');
    const dup = await docker('run', '-d', '--name', 'web', 'busybox');
    expect(dup.code).toBe(125);
    expect(dup.stderr).toContain('Conflict. The container name "/web" is already in use');
  });

  it('removes containers with rm -f: namespace gone, addresses free again', async () => {
    const ns = `nl-c-${proxyId.slice(0, 8)}`;
    expect((await runOnHostOk('u1', ['ip', 'netns', 'list'])).includes(ns)).toBe(true);
    expect((await runOnHostOk('u1', ['docker', 'rm', '-f', 'web'])).trim()).toBe('web');
    expect((await runOnHostOk('u1', ['ip', 'netns', 'list'])).includes(ns)).toBe(false);
    expect((await runOnHostOk('u1', ['weave', 'ps'])).includes(proxyId.slice(0, 12))).toBe(false);
    const again = await docker(
      '-H',
      WEAVE_PROXY,
      'run',
      '-d',
      '--name',
      'web',
      '-e',
      'WEAVE_CIDR=10.32.1.1/24',
      'busybox',
    );
    expect(again.stderr).toBe('');
    expect((await runOnHostOk('u1', ['weave', 'ps', 'web'])).trim()).toMatch(/ 10\.32\.1\.1\/24$/);
  });

  it('prints weave ps as the real script: 12-character names, nothing for unknown containers, no bridge no line', async () => {
    expect((await docker('-H', WEAVE_PROXY, 'run', '-d', '--name', 'a-rather-long-name', 'busybox')).code).toBe(0);
    expect(await runOnHostOk('u1', ['weave', 'ps', 'a-rather-long-name'])).toMatch(
      /^a-rather-lon [0-9a-f:]{17} 10\.32\.0\.\d+\/24\n$/,
    );
    expect(await weave('ps', 'no-such-container')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // Without a weave bridge (Weave not launched) container-addrs prints nothing, weave:expose included.
    await runOnHostOk('u1', ['sh', '-c', 'ip link set weave down && ip link set weave name weave-off']);
    try {
      expect(await weave('ps')).toMatchObject({ code: 0, stdout: '' });
    } finally {
      await runOnHostOk('u1', ['sh', '-c', 'ip link set weave-off name weave && ip link set weave up']);
    }
    expect((await runOnHostOk('u1', ['weave', 'ps'])).split('\n')[0]).toMatch(/^weave:expose [0-9a-f:]{17}/);
    await docker('rm', '-f', 'a-rather-long-name');
  });

  it('refuses a subnet outside the ipalloc range as Weave IPAM does', async () => {
    const r = await docker('-H', WEAVE_PROXY, 'run', '-d', '-e', 'WEAVE_CIDR=net:10.99.0.0/24', 'busybox');
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('for "net:10.99.0.0/24": range 10.99.0.0/24 out of bounds: 10.32.0.0/16');
    const expose = await weave('expose', 'net:10.99.0.0/24');
    expect(expose.code).toBe(1);
    expect(expose.stderr).toContain('range 10.99.0.0/24 out of bounds: 10.32.0.0/16');
  });

  it('prints weave status blocks with peers, connections and the IPAM range', async () => {
    const status = await runOnHostOk('u1', ['weave', 'status']);
    expect(status).toMatch(/Encryption: disabled/);
    expect(status).toMatch(/Peers: 3 /);
    expect(status).toMatch(/Connections: 2 \(2 established\)/);
    expect(status).toMatch(/Range: 10\.32\.0\.0\/16/);
    expect(status).toMatch(/DefaultSubnet: 10\.32\.0\.0\/24/);
    const conns = (await runOnHostOk('u1', ['weave', 'status', 'connections'])).trim().split('\n');
    expect(conns).toHaveLength(2);
    expect(conns[0]).toMatch(
      /^-> 192\.168\.56\.12:6783 +established fastdp ([0-9a-f]{2}:){5}[0-9a-f]{2}\(u2\) mtu=1376$/,
    );
    const peers = await runOnHostOk('u1', ['weave', 'status', 'peers']);
    expect(peers.match(/^\S+\(u[123]\)$/gm)).toHaveLength(3);
    expect((await weave('bogus')).code).toBe(1);
  });
});
