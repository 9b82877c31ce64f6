import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptWebSocket, type WebSocketPeer } from './websocket-server.js';

/**
 * A stand-in for Slack's Socket Mode on 127.0.0.1, in front of the Web API stand-in: `apps.connections.open` hands
 * out single-use WebSocket URLs, every other `/api/` call is passed to the Web API stand-in, so one `slackApiUrl`
 * serves both (as slack.com/api does). Modelled on Slack's documented protocol and its SDKs' fixtures:
 * - apps.connections.open needs an app-level token (xapp-); a bot token is `not_allowed_token_type`, an unknown one
 *   `invalid_auth` (slack-ruby/slack-api-ref methods/apps/apps.connections.open.json @f4837c0c);
 * - `hello` on connect, envelopes `{envelope_id, payload, type: 'slash_commands', accepts_response_payload}`,
 *   acks `{envelope_id, payload}`, `disconnect` with a reason (slackapi/python-slack-sdk
 *   tests/slack_sdk/socket_mode/mock_socket_mode_server.py @ae87985);
 * - an envelope not acknowledged within 3 s fails for the user and is not delivered again (slash commands are
 *   never redelivered, docs.slack.dev interactivity/slash-commands); a connection that was told to disconnect gets
 *   no new envelopes;
 * - after the closing handshake Slack leaves the TCP connection open and stops answering pings
 *   (slackapi/node-slack-sdk @slack/socket-mode 3.2.0 release notes, #2752): the stricter behaviour is modelled.
 * - A WebSocket URL (its ticket) opens one connection; a second use is refused (the stricter choice: Slack's
 *   tickets are short-lived and single-use in practice, not documented).
 */
export interface SocketModeStub {
  /** Base URL ending in `/api/`: point `slack.apiUrl` here. */
  url: string;
  /** apps.connections.open calls that handed out a URL. */
  opened(): number;
  /** Connections that got `hello` and were not told to disconnect, oldest first. */
  live(): SocketConnection[];
  /** Every envelope sent, with what became of it. */
  envelopes: Envelope[];
  /** Sends a slash command on `connection` (default: the first live one). */
  sendSlashCommand(payload: Record<string, string>, connection?: SocketConnection): Envelope;
  /** Sends the envelope and then `disconnect` on the same connection, in one write: a command around a refresh. */
  sendSlashCommandThenDisconnect(payload: Record<string, string>, connection: SocketConnection): Envelope;
  /** Tells a connection to go away (Slack's regular refresh). */
  disconnect(connection: SocketConnection, reason?: 'refresh_requested' | 'warning'): void;
  close(): Promise<void>;
}

interface SocketConnection {
  id: number;
  peer: WebSocketPeer;
  disconnectSent: boolean;
}

interface Envelope {
  envelopeId: string;
  connectionId: number;
  payload: Record<string, string>;
  /** Resolves with the ack's payload, or `operation_timeout` when none came within 3 s. */
  outcome: Promise<{ acked: true; payload: Record<string, unknown> } | { acked: false; error: 'operation_timeout' }>;
}

/** The time Slack gives an app to acknowledge an envelope. */
const ACK_TIMEOUT_MS = 3_000;

export async function startSocketModeStub(opts: { appToken: string; webApiUrl: string }): Promise<SocketModeStub> {
  const tickets = new Set<string>();
  const connections: SocketConnection[] = [];
  const pendingAcks = new Map<string, (payload: Record<string, unknown>) => void>();
  const envelopes: Envelope[] = [];
  let opened = 0;
  let nextId = 0;
  let baseUrl = '';
  let wsBase = '';

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    if (path === '/api/apps.connections.open') return openConnection(req, res);
    await forward(req, res, `${opts.webApiUrl}${path.replace(/^\/api\//, '')}`);
  });

  function openConnection(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const reply = (body: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    // Drain the (empty) form body before answering.
    req.resume();
    const error =
      token === ''
        ? 'not_authed'
        : !token.startsWith('xapp-')
          ? 'not_allowed_token_type'
          : token !== opts.appToken
            ? 'invalid_auth'
            : undefined;
    if (error) {
      reply({ ok: false, error });
      return;
    }
    const ticket = randomBytes(8).toString('hex');
    tickets.add(ticket);
    opened += 1;
    reply({ ok: true, url: `${wsBase}link/?ticket=${ticket}&app_id=A0NETOPS` });
  }

  server.on('upgrade', (req, socket) => {
    const ticket = new URL(req.url ?? '/', 'http://stub').searchParams.get('ticket') ?? '';
    if (!tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    const peer = acceptWebSocket(req, socket);
    if (!peer) return;
    const connection: SocketConnection = { id: ++nextId, peer, disconnectSent: false };
    connections.push(connection);
    peer.onText((text) => {
      const message = JSON.parse(text) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (message.envelope_id) pendingAcks.get(message.envelope_id)?.(message.payload ?? {});
    });
    peer.onClose(() => {
      // Slack answers the closing handshake but leaves the TCP connection open and stops answering pings.
      peer.sendClose(1000);
      peer.answerPings = false;
      connection.disconnectSent = true;
    });
    peer.onEnd(() => {
      const i = connections.indexOf(connection);
      if (i >= 0) connections.splice(i, 1);
    });
    peer.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: connections.filter((c) => !c.disconnectSent).length,
        debug_info: { host: `applink-stub-${connection.id}`, build_number: 10, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0NETOPS' },
      }),
    );
  });

  function envelopeFor(payload: Record<string, string>, connection: SocketConnection): [Envelope, string] {
    const envelopeId = randomUUID();
    const text = JSON.stringify({
      envelope_id: envelopeId,
      payload,
      type: 'slash_commands',
      accepts_response_payload: true,
    });
    const outcome = new Promise<Awaited<Envelope['outcome']>>((resolve) => {
      const timer = setTimeout(() => {
        pendingAcks.delete(envelopeId);
        resolve({ acked: false, error: 'operation_timeout' });
      }, ACK_TIMEOUT_MS);
      pendingAcks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        pendingAcks.delete(envelopeId);
        resolve({ acked: true, payload: ack });
      });
    });
    const envelope = { envelopeId, connectionId: connection.id, payload, outcome };
    envelopes.push(envelope);
    return [envelope, text];
  }

  const live = () => connections.filter((c) => !c.disconnectSent);
  const pick = (connection?: SocketConnection) => {
    const c = connection ?? live()[0];
    if (!c || c.disconnectSent) throw new Error('no live Socket Mode connection to send on');
    return c;
  };
  const disconnectMessage = (c: SocketConnection, reason: string) =>
    JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-stub-${c.id}` } });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}/api/`;
  wsBase = `ws://127.0.0.1:${port}/`;

  return {
    url: baseUrl,
    opened: () => opened,
    live,
    envelopes,
    sendSlashCommand(payload, connection) {
      const c = pick(connection);
      const [envelope, text] = envelopeFor(payload, c);
      c.peer.sendText(text);
      return envelope;
    },
    sendSlashCommandThenDisconnect(payload, connection) {
      const c = pick(connection);
      const [envelope, text] = envelopeFor(payload, c);
      c.disconnectSent = true;
      c.peer.sendTexts([text, disconnectMessage(c, 'refresh_requested')]);
      return envelope;
    },
    disconnect(connection, reason = 'refresh_requested') {
      connection.disconnectSent = true;
      connection.peer.sendText(disconnectMessage(connection, reason));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.peer.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes a Web API call on to the Web API stand-in unchanged and relays its answer. */
async function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'host' && k !== 'content-length') headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const answer = await fetch(target, {
    method: req.method ?? 'POST',
    headers,
    ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
  });
  const hopByHop = new Set(['transfer-encoding', 'content-length', 'content-encoding', 'connection', 'keep-alive']);
  res.writeHead(
    answer.status,
    Object.fromEntries(
      [...(answer.headers as unknown as Map<string, string>).entries()].filter(([k]) => !hopByHop.has(k)),
    ),
  );
  res.end(Buffer.from(await answer.arrayBuffer()));
}
