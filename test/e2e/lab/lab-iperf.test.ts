import { describe, expect, it } from 'vitest';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, runOnHostOk, runOverSsh } from '../../lab/lab-support.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab iperf3 across hosts');

interface IperfJson {
  end: { sum_received: { bits_per_second: number } };
}

/** Starts an iperf3 server container on u2 and a client container on u1 attached the same way; returns the JSON. */
async function runIperf(net: string, serverIp: (name: string) => Promise<string>): Promise<IperfJson> {
  const flags = net === '' ? '' : `--net=${net}`;
  await runOnHostOk('u2', [
    'sh',
    '-c',
    `docker ${net === '' ? `-H unix:///var/run/weave/weave.sock ` : ''}run -d --name srv-${net || 'weave'} ${flags} networkstatic/iperf3 -s -p 5301`,
  ]);
  // The client runs in an iperf3 image too (busybox has no iperf3, as the published image); its own server idles.
  await runOnHostOk('u1', [
    'sh',
    '-c',
    `docker ${net === '' ? `-H unix:///var/run/weave/weave.sock ` : ''}run -d --name cli-${net || 'weave'} ${flags} networkstatic/iperf3 -s -p 5302`,
  ]);
  const ip = await serverIp(`srv-${net || 'weave'}`);
  // The server needs a moment to listen; retry the connect briefly rather than sleeping a fixed time.
  for (let attempt = 0; ; attempt++) {
    const r = await runOverSsh('u1', `docker exec cli-${net || 'weave'} iperf3 -c ${ip} -p 5301 -J -t 2`, 20_000);
    if (r.code === 0) return JSON.parse(r.stdout) as IperfJson;
    if (attempt === 10) throw new Error(`iperf3 over ${net || 'weave'} failed: ${r.stdout.slice(0, 300)} ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe.skipIf(skipLab)('lab iperf3 across hosts', () => {
  useLabForTests({ withoutEmulators: true });

  it('runs over the weave overlay (proxy mode, default subnet)', async () => {
    const result = await runIperf('', async (name) => {
      const line = await runOnHostOk('u2', ['weave', 'ps', name]);
      return line.trim().split(' ')[2]?.split('/')[0] ?? '';
    });
    expect(result.end.sum_received.bits_per_second).toBeGreaterThan(0);
  });

  it("runs over the flannel overlay (one eth0 in the host's flannel lease)", async () => {
    const result = await runIperf('flannel', async (name) =>
      (
        await runOnHostOk('u2', ['docker', 'inspect', '-f', '{{.NetworkSettings.Networks.flannel.IPAddress}}', name])
      ).trim(),
    );
    expect(result.end.sum_received.bits_per_second).toBeGreaterThan(0);
  });

  it('runs over the host network (underlay)', async () => {
    const result = await runIperf('host', async () => '192.168.56.12');
    expect(result.end.sum_received.bits_per_second).toBeGreaterThan(0);
  });
});
