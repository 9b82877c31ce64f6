import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Queue depth by state, as BullMQ counts it. */
export type QueueCounts = Record<string, Record<string, number>>;

/** Per-host SSH pool counters (the pool's `stats()`). */
export type SshPoolStats = Record<string, { connected: boolean; active: number; queued: number; connects: number }>;

/** Sources read at scrape time; each is optional and a failing one only leaves its gauges stale. */
export interface MetricSources {
  queueCounts?: () => Promise<QueueCounts>;
  sshStats?: () => SshPoolStats;
}

/**
 * The bot's Prometheus metrics on a private registry (several runtimes in one test process must not share a
 * global one). Counters are updated by the instrument* wrappers; gauges are filled at scrape time.
 */
export function createMetrics(opts: { role: string; defaultMetrics?: boolean }) {
  const registry = new Registry();
  registry.setDefaultLabels({ role: opts.role });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'netops_' });
  const sources: MetricSources = {};

  const commands = new Counter({
    name: 'netops_commands_total',
    help: 'Slash commands by outcome (queued, duplicate, answer, usage, refused, rate_limited, oversized, error)',
    labelNames: ['outcome', 'command'],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'netops_job_duration_seconds',
    help: 'Command jobs from start to end in a worker, by queue, command and final state',
    labelNames: ['queue', 'command', 'state'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'netops_job_queue_wait_seconds',
    help: 'Time a command job waited in its queue before a worker took it',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const slackErrors = new Counter({
    name: 'netops_slack_api_errors_total',
    help: 'Failed Slack Web API calls by method and kind (rate_limited, http_5xx, http_4xx, platform, unreachable)',
    labelNames: ['method', 'kind'],
    registers: [registry],
  });
  new Gauge({
    name: 'netops_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed, completed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!sources.queueCounts) return;
      this.reset();
      let counts: QueueCounts;
      try {
        counts = await sources.queueCounts();
      } catch {
        // Redis down: /readyz says so; the scrape itself must still succeed.
        return;
      }
      for (const [queue, byState] of Object.entries(counts)) {
        for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
      }
    },
  });
  const sshGauge = (name: string, help: string, pick: (s: SshPoolStats[string]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['host'],
      registers: [registry],
      collect() {
        if (!sources.sshStats) return;
        this.reset();
        for (const [host, s] of Object.entries(sources.sshStats())) this.set({ host }, pick(s));
      },
    });
  sshGauge('netops_ssh_connected', 'Whether the pooled SSH connection to the host is open (1) or not (0)', (s) =>
    s.connected ? 1 : 0,
  );
  sshGauge('netops_ssh_sessions_active', 'SSH commands running on the host now', (s) => s.active);
  sshGauge('netops_ssh_sessions_queued', 'SSH commands waiting for a session slot on the host', (s) => s.queued);
  sshGauge(
    'netops_ssh_connects',
    'Successful SSH connects to the host since start (above 1: reconnects)',
    (s) => s.connects,
  );

  return {
    registry,
    commands,
    jobDuration,
    queueWait,
    slackErrors,
    /** Plugs in a scrape-time source (queues once Redis is up, the SSH pool once processors exist). */
    setSource<K extends keyof MetricSources>(key: K, source: MetricSources[K]): void {
      sources[key] = source;
    },
    /** The exposition text and its content type. */
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
