import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshPool } from '../../../src/clients/ssh/connection-pool.js';
import type { SshPool } from '../../../src/clients/ssh/types.js';
import { CNI_BENCH_LIMITS, type CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { ErrorCode } from '../../../src/errors.js';
import { createSilentLogger } from '../../../src/logging.js';
import { sweepStaleBenchContainers } from '../../../src/net/bench/bench-containers.js';
import { hostPairLockKey } from '../../../src/stores/bench-lock.js';
import { isRunAlive, keepRunAlive } from '../../../src/stores/run-liveness.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SshTestServer, startSshTestServer } from '../../helpers/ssh-test-server.js';

/**
 * A stand-in `docker` keeping its containers in a state file ("<id> <name> <runId>" per line). With
 * NO_IPERF3=1 it lacks the iperf3 image and answers like Docker Hub does for an image it cannot pull.
 */
const fakeDocker = (noIperf3: boolean) => `#!/bin/bash
state="$HOME/containers"
touch "$state"
echo "$*" >> "$HOME/docker.log"
# -H/--host is docker's global option before the command (docker/cli cli/flags/options.go); proxy-mode networks
# send it with the Weave proxy socket.
case $1 in -H|--host) shift 2 ;; esac
cmd=$1; shift
case $cmd in
run)
  name=; run=; image=
  while [ $# -gt 0 ]; do
    case $1 in
      -d) ;;
      --name) name=$2; shift ;;
      -l) run=\${2#netops.bench=}; shift ;;
      -e) shift ;;
      --net=*) ;;
      *) image=$1; break ;;
    esac
    shift
  done
  if [ "${noIperf3 ? 1 : 0}" = 1 ] && [ "$image" = networkstatic/iperf3 ]; then
    echo "Unable to find image 'networkstatic/iperf3:latest' locally" >&2
    echo "docker: Error response from daemon: pull access denied for networkstatic/iperf3, repository does not exist or may require 'docker login': denied: requested access to the resource is denied." >&2
    exit 125
  fi
  sleep 0.2
  id=$(printf '%s' "$name" | sha256sum | cut -c1-64)
  echo "$id $name $run" >> "$state"
  echo "$id"
  ;;
ps)
  filter=$(printf '%s\\n' "$@" | grep '^label=')
  if [ "$filter" = label=netops.bench ]; then awk '{print $1, $3}' "$state"; else awk -v r="\${filter#label=netops.bench=}" '$3 == r {print $1}' "$state"; fi
  ;;
rm)
  shift
  for id in "$@"; do grep -v "^$id " "$state" > "$state.tmp"; mv "$state.tmp" "$state"; done
  ;;
*) echo "docker: '$cmd' is not a docker command." >&2; exit 1 ;;
esac
`;

let servers: SshTestServer[] = [];
let pool: SshPool;
let redisServer: Awaited<ReturnType<typeof startTestRedis>>;
let redis: Redis;

beforeAll(async () => {
  servers = [
    await startSshTestServer({ binaries: { docker: fakeDocker(false) } }),
    await startSshTestServer({ binaries: { docker: fakeDocker(true) } }),
  ];
  pool = createSshPool({
    hosts: servers.map((s, i) => ({
      name: `h${i + 1}`,
      address: s.host,
      port: s.port,
      user: s.user,
      privateKey: s.clientKey,
      hostKey: s.hostKeyLine,
    })),
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10_000,
    outputCapBytes: 65536,
    concurrencyPerHost: 4,
    logger: createSilentLogger(),
  });
  redisServer = await startTestRedis();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis?.disconnect();
  await redisServer?.stop();
  await pool?.close();
  for (const s of servers) await s.stop();
});

function context(args: Partial<CniBenchArgs>): ProcessorContext<CniBenchArgs> {
  const { duration, streams, repeat } = CNI_BENCH_LIMITS;
  return {
    jobId: 'job-missing',
    command: {
      name: 'cni-bench',
      args: { network: 'weave', durationMs: duration.minMs, streams: streams.min, repeat: repeat.min, ...args },
      text: '/cni-bench weave',
    },
    requester: { userId: 'U1', channelId: 'C1' } as ProcessorContext['requester'],
    signal: new AbortController().signal,
    logger: createSilentLogger(),
    progress: async () => {},
    setQueuePosition: async () => {},
  };
}

describe('/cni-bench against a host without iperf3', () => {
  it('fails naming the host and the image, and removes what it started on the other host', async () => {
    const processor = createCniBenchProcessor({
      cluster: {
        ssh: pool,
        hosts: servers.map((s, i) => ({ name: `h${i + 1}`, address: s.host })),
      },
      config: {
        networks: [{ name: 'weave', kind: 'weave', attach: 'proxy', interface: 'ethwe', range: '10.32.0.0/16' }],
        tenants: [{ name: 'default', subnet: '10.32.0.0/24', network: 'weave' }],
      },
      redis: () => redis,
      chartsDir: join(servers[0]!.dir, 'charts'),
    });
    const run = processor(context({ from: 'h1', to: 'h2' }));
    await expect(run).rejects.toMatchObject({
      code: ErrorCode.Bench,
      userMessage: expect.stringMatching(
        /^h2 cannot run iperf3: image networkstatic\/iperf3 is not available there \(docker: /,
      ),
    });
    const h1Log = readFileSync(join(servers[0]!.dir, 'docker.log'), 'utf8');
    // Proxy-mode overlay containers are started through the Weave proxy socket.
    expect(h1Log).toMatch(/^-H unix:\/\/\/var\/run\/weave\/weave\.sock run -d --name nb-\S+-iperf-client-overlay /m);
    // Everything h1 started is gone, and the pair is free again.
    expect(readFileSync(join(servers[0]!.dir, 'containers'), 'utf8')).toBe('');
    expect(await redis.exists(hostPairLockKey(['h1', 'h2']))).toBe(0);
  });

  it('only runs on configured hosts', async () => {
    const processor = createCniBenchProcessor({
      cluster: { ssh: pool, hosts: [{ name: 'h1', address: servers[0]!.host }] },
      config: { networks: [{ name: 'weave', kind: 'weave', attach: 'proxy' }], tenants: [] },
      chartsDir: '/tmp',
    });
    await expect(processor(context({ from: 'h1', to: 'elsewhere' }))).rejects.toMatchObject({
      code: ErrorCode.Usage,
      message: 'unknown host `elsewhere`: a benchmark runs only on configured hosts (h1)',
    });
  });

  it('sweeps bench containers of crashed runs and keeps those of live runs', async () => {
    const dead = 'a'.repeat(64);
    const live = 'b'.repeat(64);
    writeFileSync(
      join(servers[0]!.dir, 'containers'),
      `${dead} nb-old-iperf-server-bare deadrun\n${live} nb-new-iperf-server-bare liverun\n`,
    );
    const stop = await keepRunAlive(redis, 'liverun');
    try {
      const swept = await sweepStaleBenchContainers(
        pool,
        'h1',
        (id) => isRunAlive(redis, id),
        new AbortController().signal,
      );
      expect(swept).toEqual([dead]);
      expect(readFileSync(join(servers[0]!.dir, 'containers'), 'utf8')).toBe(
        `${live} nb-new-iperf-server-bare liverun\n`,
      );
    } finally {
      await stop();
      writeFileSync(join(servers[0]!.dir, 'containers'), '');
    }
  });
});
