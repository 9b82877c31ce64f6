import type { FetchFunction } from '@slack/web-api';
import { ErrorCode, NetopsError } from '../../errors.js';

/**
 * Largest Slack Web API answer read: the methods the bot calls (chat.*, conversations.info, auth.test, files.*)
 * answer a few KB; 16 MiB is far above that and still stops an endless or hostile body (issue 17 item 6).
 */
const SLACK_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * A fetch for the Slack WebClient whose response bodies are read under a size cap. @slack/web-api 8.2.0 gives
 * each call an overall deadline itself (WebClient.js: `AbortSignal.timeout(this.timeout)` on the fetch, which
 * also ends a dripping body) but reads the body with `arrayBuffer()`/`text()` with no limit.
 */
export function createCappedFetch(inner: FetchFunction, limit = SLACK_MAX_RESPONSE_BYTES): FetchFunction {
  return async (url, init) => {
    const res = await inner(url, init);
    const stream = (res as FetchResponse & { body?: unknown }).body;
    if (!(stream instanceof ReadableStream)) return res;
    let bytes: Promise<Buffer> | undefined;
    const read = () => {
      bytes ??= readCapped(stream as ReadableStream<Uint8Array>, limit, String(url));
      return bytes;
    };
    return {
      ok: res.ok,
      status: res.status,
      statusText: res.statusText,
      url: res.url,
      headers: res.headers,
      arrayBuffer: async () => {
        const b = await read();
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      },
      text: async () => (await read()).toString('utf8'),
      json: async () => JSON.parse((await read()).toString('utf8')),
    };
  };
}

async function readCapped(stream: ReadableStream<Uint8Array>, limit: number, url: string): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      const method = new URL(url).pathname.split('/').pop() ?? 'call';
      throw new NetopsError(ErrorCode.UpstreamHttp, `slack ${method}: response larger than ${limit} bytes`, {
        userMessage: `Slack sent more than ${limit} bytes for ${method}: answer refused`,
      });
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, size);
}
