import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer of the stand-in: HTTP status (200 unless said), extra headers, JSON body. */
export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export const ok = (body: Record<string, unknown> = {}): StubReply => ({ body: { ok: true, ...body } });
export const fail = (error: string): StubReply => ({ body: { ok: false, error } });

export function send(res: ServerResponse, reply: StubReply): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient sends form-encoded bodies whose object fields (blocks, files) are JSON strings; others send JSON. */
export function parseBody(contentType: string, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) body[key] = decodeJsonField(value);
  return body;
}

function decodeJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Not JSON after all (a text that starts with a bracket): keep it as sent.
    return value;
  }
}

/** The file's bytes: the first part of a multipart body (WebClient's upload), or the raw body otherwise. */
export function extractUploadBytes(contentType: string, raw: Buffer): number {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return raw.length;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(delimiter);
  const headerEnd = raw.indexOf('\r\n\r\n', start);
  const end = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
  if (start < 0 || headerEnd < 0 || end < 0) return raw.length;
  return end - (headerEnd + 4);
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The bearer token of a Web API call: the Authorization header, else the `token` form field. */
export function tokenOf(req: IncomingMessage, body: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return typeof body.token === 'string' && body.token !== '' ? body.token : undefined;
}
