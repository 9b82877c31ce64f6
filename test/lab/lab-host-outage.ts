import { setTimeout as delay } from 'node:timers/promises';
import { checkSshd } from './lab-sshd.js';
import { runChecked } from './run-process.js';
import { getHostVethName, type LabHost } from './topology.js';

/**
 * Takes a host off the underlay, as an unplugged or powered-off machine looks to the others: its port on the
 * underlay bridge (the root-namespace end of its `eth0` veth) goes down, so its `eth0` loses carrier and nothing
 * reaches its address any more (a connect fails with EHOSTUNREACH once ARP gives up after ~3 s, or times out
 * while a cached neighbour entry is tried). Everything inside the host keeps running.
 *
 * Only the bridge port goes down, never the host's own `eth0`: setting that down would delete the host's routes
 * through it (the routed network's `10.245.N.0/24 via 192.168.56.1N dev eth0`), which coming back up does not
 * restore. Losing carrier only marks them `linkdown` until it returns.
 *
 * Returns the restore: the port comes back up, then it waits until the host's sshd answers over SSH, so the
 * tests after it (and later files) find a healthy lab. Call it in a `finally`.
 */
export async function cutHostFromUnderlay(host: LabHost): Promise<() => Promise<void>> {
  const port = getHostVethName(host);
  await runChecked(['ip', 'link', 'set', port, 'down']);
  return async () => {
    await runChecked(['ip', 'link', 'set', port, 'up']);
    // The connects that failed during the outage may have left the neighbour entry FAILED for a moment.
    for (let i = 0; i < 20; i++) {
      if (await checkSshd(host, 1)) return;
      await delay(500);
    }
    throw new Error(`${host} does not answer over SSH after its underlay port ${port} came back up`);
  };
}
