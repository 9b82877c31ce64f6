import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** One accepted WebSocket connection, server side (RFC 6455): text messages, pings, the closing handshake. */
export interface WebSocketPeer {
  sendText(text: string): void;
  /** Writes several text frames in one TCP write, so the client reads them back to back. */
  sendTexts(texts: string[]): void;
  ping(payload?: string): void;
  /** Starts or answers the closing handshake with a close frame; the TCP connection is left to `end()`. */
  sendClose(code?: number): void;
  /** Ends the TCP connection. */
  end(): void;
  onText(handler: (text: string) => void): void;
  /** Called with the client's close code; the peer does not answer by itself (see `sendClose`). */
  onClose(handler: (code: number | undefined) => void): void;
  /** Called when the TCP connection is gone. */
  onEnd(handler: () => void): void;
  /** Answer the client's pings with pongs (RFC 6455 5.5.3)? @defaultValue true */
  answerPings: boolean;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Completes the opening handshake of an HTTP `upgrade` request (RFC 6455 4.2.2), or answers 400 when it is not a
 * version 13 WebSocket request. No extension is negotiated (permessage-deflate offers are declined by omission).
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WebSocketPeer | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return createPeer(socket);
}

function createPeer(socket: Duplex): WebSocketPeer {
  const textHandlers: Array<(text: string) => void> = [];
  const closeHandlers: Array<(code: number | undefined) => void> = [];
  const endHandlers: Array<() => void> = [];
  let buffer = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let ended = false;
  const write = (frames: Buffer[]) => {
    if (!ended) socket.write(Buffer.concat(frames));
  };
  const peer: WebSocketPeer = {
    answerPings: true,
    sendText: (text) => write([encodeFrame(0x1, Buffer.from(text))]),
    sendTexts: (texts) => write(texts.map((t) => encodeFrame(0x1, Buffer.from(t)))),
    ping: (payload = '') => write([encodeFrame(0x9, Buffer.from(payload))]),
    sendClose: (code = 1000) => {
      const body = Buffer.alloc(2);
      body.writeUInt16BE(code);
      write([encodeFrame(0x8, body)]);
    },
    end: () => {
      ended = true;
      socket.end();
    },
    onText: (h) => void textHandlers.push(h),
    onClose: (h) => void closeHandlers.push(h),
    onEnd: (h) => void endHandlers.push(h),
  };
  const handle = (frame: Frame) => {
    if (frame.opcode === 0x9 && peer.answerPings) write([encodeFrame(0xa, frame.payload)]);
    else if (frame.opcode === 0x8) {
      for (const h of closeHandlers) h(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined);
    } else if (frame.opcode === 0x1 || frame.opcode === 0x0) {
      fragments.push(frame.payload);
      if (!frame.fin) return;
      const text = Buffer.concat(fragments).toString('utf8');
      fragments = [];
      for (const h of textHandlers) h(text);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let frame = decodeFrame(buffer); frame; frame = decodeFrame(buffer)) {
      buffer = buffer.subarray(frame.length);
      if (!frame.masked) {
        // A client frame must be masked (RFC 6455 5.1): fail the connection with 1002.
        peer.sendClose(1002);
        peer.end();
        return;
      }
      handle(frame);
    }
  });
  const finish = () => {
    if (ended && endHandlers.length === 0) return;
    ended = true;
    for (const h of endHandlers.splice(0)) h();
  };
  socket.on('close', finish);
  socket.on('error', finish);
  return peer;
}

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
  /** Bytes the frame took in the buffer. */
  length: number;
}

function decodeFrame(buf: Buffer): Frame | undefined {
  if (buf.length < 2) return undefined;
  const fin = ((buf[0] ?? 0) & 0x80) !== 0;
  const opcode = (buf[0] ?? 0) & 0x0f;
  const masked = ((buf[1] ?? 0) & 0x80) !== 0;
  let length = (buf[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (masked)
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (buf[maskOffset + (i % 4)] ?? 0);
  return { fin, opcode, masked, payload, length: offset + length };
}
