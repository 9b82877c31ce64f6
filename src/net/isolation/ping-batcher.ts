import { PING_BATCH_WAVE } from '../../clients/ssh/index.js';
import type { HostHealth } from './host-health.js';
import { type BatchOutcome, buildPingBatches, readPingBatch } from './ping-batch.js';
import {
  attemptProbe,
  type ProbeTarget,
  type ProbeTiming,
  type RetryPolicy,
  type SshRunner,
  sshFailure,
  unknownAttempt,
  withOneRetry,
} from './probe.js';
import type { ProbeResult } from './types.js';

const ICMP = { proto: 'icmp', port: null } as const;

/**
 * The SSH bound of one batch carrying `targets` pings: twice a lone probe's bound (the exec itself, which on a
 * busy host is most of it) plus, per wave of PING_BATCH_WAVE pings, the ping deadline and a second for the
 * shell's forks. Generous on purpose: one batch stands for many probes, two timeouts in a row mark the host down
 * (host-health.ts), and a healthy batch must never be cut off for being large; only a hung host waits it out.
 */
export function batchTimeoutMs(timing: ProbeTiming, targets: number): number {
  const waves = Math.ceil(targets / PING_BATCH_WAVE);
  return 2 * timing.timeoutMs + waves * (timing.deadlineS * 1_000 + 1_000);
}

/** ICMP probes of one check, coalesced into one `docker exec` per source container instead of one per pair. */
export interface PingBatcher {
  /** One ICMP probe with at most one retry, as runProbe would make it. */
  probe(target: ProbeTarget, shouldRetry: RetryPolicy): Promise<ProbeResult>;
}

interface Waiter {
  promise: Promise<BatchOutcome>;
  resolve(o: BatchOutcome): void;
  reject(err: unknown): void;
}

function waiter(): Waiter {
  let resolve!: (o: BatchOutcome) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<BatchOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The targets queued for one source container until the next flush. */
interface Round {
  host: string;
  container: string;
  targets: Map<string, Waiter>;
}

/**
 * Probes asked for in the same turn of the event loop are gathered per source container and sent as batches
 * (docker.exec.ping.batch, PING_BATCH_MAX targets each) once that turn ends: a matrix asks for every first attempt
 * at once, so n containers cost about n execs, not n(n-1); the retries a batch's answers call for are gathered the
 * same way into one batch per source. The SSH pool's per-host cap still paces the execs. A target the batch
 * printed no whole line for (no `sh` in the image, the batch cut off) gets its retry alone as docker.exec.ping, so
 * it is probed exactly as before batching. Every target keeps its own attempt and verdict; cancellation rejects.
 */
export function createPingBatcher(
  run: SshRunner,
  health: HostHealth,
  timing: ProbeTiming,
  signal: AbortSignal,
): PingBatcher {
  const rounds = new Map<string, Round>();
  let flushing = false;

  async function runBatch(round: Round, ips: string[], command: Parameters<SshRunner>[1]): Promise<void> {
    const down = health.reasonDown(round.host);
    let outcomes: Map<string, BatchOutcome>;
    if (down) {
      const attempt = unknownAttempt(`host ${round.host} is down: ${down}`);
      outcomes = new Map(ips.map((ip) => [ip, { attempt, printed: false }]));
    } else {
      try {
        const res = await run(round.host, command, { signal, timeoutMs: batchTimeoutMs(timing, ips.length) });
        health.recordSuccess(round.host);
        outcomes = readPingBatch(res, ips, timing.deadlineS);
      } catch (err) {
        let attempt: ReturnType<typeof sshFailure>;
        try {
          attempt = sshFailure(err, round.host, health, signal);
        } catch (cancelled) {
          for (const ip of ips) round.targets.get(ip)?.reject(cancelled);
          return;
        }
        outcomes = new Map(ips.map((ip) => [ip, { attempt, printed: false }]));
      }
    }
    for (const ip of ips) round.targets.get(ip)?.resolve(outcomes.get(ip)!);
  }

  function flush(): void {
    flushing = false;
    const due = [...rounds.values()];
    rounds.clear();
    for (const round of due) {
      for (const batch of buildPingBatches(round.container, [...round.targets.keys()], timing.deadlineS)) {
        void runBatch(round, batch.ips, batch.command);
      }
    }
  }

  /** Queues one attempt towards `target.ip`; the same address twice in one round shares the attempt. */
  function queue(target: ProbeTarget): Promise<BatchOutcome> {
    const key = `${target.host}\0${target.container}`;
    let round = rounds.get(key);
    if (!round) {
      round = { host: target.host, container: target.container, targets: new Map() };
      rounds.set(key, round);
    }
    let w = round.targets.get(target.ip);
    if (!w) {
      w = waiter();
      round.targets.set(target.ip, w);
    }
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
    return w.promise;
  }

  return {
    async probe(target, shouldRetry) {
      const first = await queue(target);
      const again = first.printed
        ? async () => (await queue(target)).attempt
        : () => attemptProbe(run, health, target, ICMP, timing, signal);
      return withOneRetry(ICMP, target.host, health, shouldRetry, first.attempt, again);
    },
  };
}
