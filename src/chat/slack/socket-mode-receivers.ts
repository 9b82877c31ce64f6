import { type App, type Logger as BoltLogger, LogLevel, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';

/** Options of {@link createSocketModeReceivers}. */
export interface SocketModeReceiversOptions {
  appToken: string;
  /** Connections kept open at once; Slack accepts up to 10 per app and spreads envelopes over them. */
  connections: number;
  logger: BoltLogger;
  /** Options of each connection's Web API client (apps.connections.open): the API URL and transport. */
  clientOptions: WebClientOptions;
}

/**
 * Several Socket Mode connections feeding one Bolt app. Slack asks apps to expect regular `disconnect` messages
 * (refresh_requested, warning), and @slack/socket-mode 3.1 closes a connection before opening the next one and waits
 * `clientPingTimeout` (5 s) per reconnect attempt first (SocketModeClient.js delayReconnectAttempt); with one
 * connection, commands typed in that gap fail in Slack. With two, Slack sends them to the one that is open.
 */
export function createSocketModeReceivers(opts: SocketModeReceiversOptions): Receiver {
  const receivers = Array.from(
    { length: Math.max(1, opts.connections) },
    () =>
      new SocketModeReceiver({
        appToken: opts.appToken,
        logger: opts.logger,
        logLevel: LogLevel.INFO,
        // Each client keeps (and changes: retryConfig, fetch) its own copy of the options.
        installerOptions: { clientOptions: { ...opts.clientOptions } },
      }),
  );
  return {
    init(app: App) {
      for (const r of receivers) r.init(app);
    },
    async start() {
      // One after the other: each start() resolves on its `hello`, and a second connection is only useful
      // once the first one works.
      for (const r of receivers) await r.start();
    },
    async stop() {
      await Promise.all(receivers.map((r) => r.stop()));
    },
  };
}
