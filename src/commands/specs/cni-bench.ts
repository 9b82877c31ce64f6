import { z } from 'zod';
import { BENCH_TESTS, type BenchTest, DEFAULT_BENCH_TESTS } from '../bench-tests.js';
import { durationSchema, hostSchema, intSchema, networkSchema } from '../names.js';
import { describeRatings } from '../ratings.js';
import { defineCommand } from './define-command.js';

/** Defaults and bounds of the /cni-bench options; the bench worker relies on the bounds. */
export const CNI_BENCH_LIMITS = Object.freeze({
  duration: { minMs: 2_000, maxMs: 120_000, defaultMs: 10_000 },
  streams: { min: 2, max: 64, default: 8 },
  repeat: { min: 1, max: 5, default: 3 },
});

/** Typed args of /cni-bench. */
export interface CniBenchArgs {
  network: string;
  /** Client host; undefined lets the worker pick the configured bench pair. */
  from?: string;
  /** Server host; undefined lets the worker pick the configured bench pair. */
  to?: string;
  /** Length of each iperf3 run, in milliseconds. */
  durationMs: number;
  /** Parallel streams of the multi-stream runs. */
  streams: number;
  /** Runs per measurement; the report shows the median. */
  repeat: number;
  /** The tests to run, in the report's order; undefined: DEFAULT_BENCH_TESTS. */
  tests?: readonly BenchTest[];
  /** `pairs=all`: every ordered pair of the configured hosts, one after the other. */
  pairs?: 'all';
  /** `hosts=u1,u2,u3`: every ordered pair of these hosts (at least two, distinct). */
  hosts?: readonly string[];
}

/** `u1,u2,u3` → distinct host names, at least two. */
const benchHostsSchema = z.string().transform((text, ctx) => {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    ),
  ];
  const bad = names.filter((n) => !hostSchema.safeParse(n).success);
  if (bad.length || names.length < 2) {
    ctx.addIssue({
      code: 'custom',
      message: bad.length
        ? `not a host name: ${bad.map((b) => `\`${b}\``).join(', ')}`
        : 'hosts= needs two hosts or more (every ordered pair of them runs)',
    });
    return z.NEVER;
  }
  return names;
});

/** `tcp,udp,ftp` → the known tests, or an error naming the unknown ones and listing the known ones. */
const benchTestsSchema = z.string().transform((text, ctx) => {
  const names = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(BENCH_TESTS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${unknown.length ? `unknown test ${unknown.map((u) => `\`${u}\``).join(', ')}` : 'no test named'}; known tests: ${BENCH_TESTS.join(', ')}`,
    });
    return z.NEVER;
  }
  return BENCH_TESTS.filter((t) => names.includes(t));
});

const { duration, streams, repeat } = CNI_BENCH_LIMITS;

/** `/cni-bench <network> [from=HOST] [to=HOST] [duration=10s] [streams=N] [repeat=N] [tests=a,b]` */
export const cniBenchSpec = defineCommand<CniBenchArgs>({
  name: 'cni-bench',
  words: ['cni-bench'],
  summary: 'Benchmark an overlay network against bare metal (TCP, UDP, HTTP, FTP, SCP, MTU, CPU and memory cost)',
  usage:
    '/cni-bench <network> [from=HOST to=HOST | pairs=all | hosts=H1,H2,…] [duration=10s] [streams=N] [repeat=N] [tests=tcp,udp,…]',
  details: [
    '<network>: a configured network (weave, flannel, …). Networks named `history` or `compare` cannot be benched: those words are sub-commands.',
    'from=HOST, to=HOST: the client and server hosts; default: the configured bench pair. Must differ.',
    'pairs=all: every ordered pair of the configured hosts, one after the other (both directions); hosts=H1,H2,…: every ordered pair of these. The report has a ratio matrix per test, flags a pair or direction more than 20 % below the others, and one chart. Not with from= or to=.',
    `duration=…: each run, ${duration.minMs / 1000}s to ${duration.maxMs / 1000}s; default ${duration.defaultMs / 1000}s.`,
    `streams=N: parallel streams, ${streams.min} to ${streams.max}; default ${streams.default}.`,
    `repeat=N: runs per measurement (median reported), ${repeat.min} to ${repeat.max}; default ${repeat.default}.`,
    `tests=…: comma-separated, of ${BENCH_TESTS.join(', ')}; default ${DEFAULT_BENCH_TESTS.join(',')}. ftp fetches a file from a vsftpd container with curl, scp copies one between two OpenSSH containers (the cost of SSH encryption on top of the network); size: bench.transfer.payloadMB.`,
    'Ratings of overlay/bare-metal throughput:',
    ...describeRatings(),
  ],
  examples: [
    '/cni-bench weave',
    '/cni-bench flannel from=u1 to=u2 duration=30s streams=4 repeat=5',
    '/cni-bench weave tests=tcp,udp,http,ftp,scp',
    '/cni-bench weave pairs=all duration=5s repeat=1',
  ],
  execution: 'ssh',
  writes: false,
  positional: ['network'],
  options: ['from', 'to', 'duration', 'streams', 'repeat', 'tests', 'pairs', 'hosts'],
  args: z
    .object({
      network: networkSchema,
      from: hostSchema.optional(),
      to: hostSchema.optional(),
      duration: durationSchema(duration).default(duration.defaultMs),
      streams: intSchema(streams.min, streams.max).default(streams.default),
      repeat: intSchema(repeat.min, repeat.max).default(repeat.default),
      tests: benchTestsSchema.optional(),
      pairs: z.literal('all', { error: 'pairs= takes `all` (or name the hosts with hosts=H1,H2,…)' }).optional(),
      hosts: benchHostsSchema.optional(),
    })
    .refine(({ from, to }) => from === undefined || from !== to, {
      error: 'from and to are the same host: a benchmark needs two hosts',
    })
    .refine(
      ({ from, to, pairs, hosts }) => (pairs === undefined && hosts === undefined) || (from ?? to) === undefined,
      {
        error: 'pairs= and hosts= run every ordered pair: leave out from= and to=',
      },
    )
    .refine(({ pairs, hosts }) => pairs === undefined || hosts === undefined, {
      error: 'pairs=all and hosts= both choose the hosts: give one of them',
    })
    .transform(({ duration: durationMs, ...rest }) => ({ ...rest, durationMs })),
});
