import { beforeAll, describe, expect, it } from 'vitest';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab stock images');

const sh = async (line: string) => runOnHost('u2', ['sh', '-c', line]);
const NOT_FOUND = /OCI runtime exec failed: .*exec: "\S+": executable file not found in \$PATH/;

describe.skipIf(skipLab)('lab stock images behave like the published ones', () => {
  useLabForTests({ withoutEmulators: true });
  beforeAll(async () => {
    await sh(
      'docker run -d --name web nginx && docker run -d --name bb busybox && docker run -d --name ip39 networkstatic/iperf3 -s && docker run -d --name ip312 lab/iperf3:3.12 -s',
    );
  }, LAB_LOCK_WAIT_MS);

  it('nginx serves index.html and 50x.html only; a file created inside the container is served', async () => {
    expect((await sh('docker exec web ls /usr/share/nginx/html')).stdout.split('\n').filter(Boolean)).toEqual([
      '50x.html',
      'index.html',
    ]);
    const ip = (await sh("docker inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' web")).stdout.trim();
    const get = (file: string) =>
      sh(`docker exec web curl -s -o /dev/null -w '%{http_code} %{size_download}' http://${ip}/${file}`);
    expect((await get('')).stdout).toMatch(/^200 /);
    expect((await get('100M.bin')).stdout).toMatch(/^404 /);
    expect(
      (await sh('docker exec web sh -c \'head -c 4096 /dev/urandom > "$1"\' x /usr/share/nginx/html/p.bin')).code,
    ).toBe(0);
    expect((await get('p.bin')).stdout).toBe('200 4096');
    // The file lives in the container, not on the host.
    expect((await sh('ls /usr/share/nginx/html/p.bin')).code).not.toBe(0);
  });

  it('nginx (Debian slim + curl) has no wget, ping, ip or iperf3', async () => {
    for (const tool of ['wget', 'ping', 'ip', 'iperf3']) {
      const r = await sh(`docker exec web ${tool} --help`);
      expect(r.code, tool).toBe(126);
      expect(r.stderr).toMatch(NOT_FOUND);
    }
    expect((await sh('docker exec web /usr/bin/wget -q')).stderr).toMatch(/stat \/usr\/bin\/wget: no such file/);
  });

  it('busybox runs busybox applets: busybox ping and wget, nc 1.10, no curl or iperf3', async () => {
    expect((await sh('docker exec bb wget --help')).stderr).toContain('BusyBox');
    expect((await sh('docker exec bb ping --help')).stderr).toContain('BusyBox');
    expect((await sh('docker exec bb nc -h')).stderr).toContain('[v1.10');
    expect((await sh('docker exec bb curl -V')).code).toBe(126);
    expect((await sh('docker exec bb iperf3 -v')).code).toBe(126);
  });

  it('networkstatic/iperf3 is iperf3 3.9 with 3.9 JSON; lab/iperf3:3.12 is 3.12', async () => {
    expect((await sh('docker exec ip39 iperf3 --version')).stdout).toMatch(/^iperf 3\.9 \(cJSON 1\.7\.13\)/);
    expect((await sh('docker exec ip312 iperf3 --version')).stdout).toMatch(/^iperf 3\.12 /);
    const ip = (await sh("docker inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' ip312")).stdout.trim();
    const run = async (c: string) => {
      for (let i = 0; ; i++) {
        const r = await sh(`docker exec ${c} iperf3 -c ${ip} -u -b 0 -t 1 -J`);
        if (r.code === 0 || i > 10) return JSON.parse(r.stdout);
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const old = await run('ip39');
    expect(old.start.version).toBe('iperf 3.9');
    expect(Object.keys(old.end).sort()).toEqual(['cpu_utilization_percent', 'streams', 'sum']);
    expect(old.start.test_start.target_bitrate).toBeUndefined();
    const cur = await run('ip312');
    expect(cur.start.version).toBe('iperf 3.12');
    expect(cur.end.sum_received).toBeDefined();
  });

  it('an image without an ENTRYPOINT runs its first argument, and fails like Docker when it has no such program', async () => {
    const r = await sh('docker run -d --name noent busybox -s -p 5201');
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('exec: "-s": executable file not found in $PATH');
    expect((await sh("docker ps -a --filter name=noent --format '{{.State}}'")).stdout.trim()).toBe('created');
  });
});
