import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpBot, readRssBytes, startHttpBot } from './receiver-harness.js';
import { commandHead, type RawOutcome, sendRaw } from './receiver-raw-client.js';

const MB = 1024 * 1024;
const now = () => Math.floor(Date.now() / 1000);
/** A signature of the right shape that matches nothing: passes the header check, fails Bolt's HMAC. */
const FAKE_SIGNATURE = `v0=${'ab'.repeat(32)}`;

let http: HttpBot;
beforeAll(async () => {
  http = await startHttpBot();
});
afterAll(async () => {
  await http?.close();
});

/** Samples the bot's RSS every 50 ms while `work` runs; returns the peak. */
async function peakRssDuring<T>(work: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  const pid = http.bot.child.pid ?? 0;
  let peakBytes = readRssBytes(pid);
  const timer = setInterval(() => {
    peakBytes = Math.max(peakBytes, readRssBytes(pid));
  }, 50);
  try {
    return { result: await work(), peakBytes };
  } finally {
    clearInterval(timer);
  }
}

async function idleRss(): Promise<number> {
  // Let start-up garbage settle, then take the median of a few samples.
  await new Promise((r) => setTimeout(r, 1_500));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(readRssBytes(http.bot.child.pid ?? 0));
    await new Promise((r) => setTimeout(r, 100));
  }
  return samples.sort((a, b) => a - b)[2] ?? 0;
}

describe('hostile receiver: bodies (family "flood")', () => {
  it('flood ×12: 100 MB unsigned or oversized bodies are refused before they are read; RSS stays within 50 MB of idle', async () => {
    const idle = await idleRss();
    const declared = (): Promise<RawOutcome> =>
      sendRaw(http.port, {
        head: commandHead({ 'content-length': String(100 * MB) }),
        bodyBytes: 100 * MB,
        giveUpMs: 20_000,
      });
    const chunkedUnsigned = (): Promise<RawOutcome> =>
      sendRaw(http.port, {
        head: commandHead({ 'transfer-encoding': 'chunked' }),
        bodyBytes: 100 * MB,
        chunked: true,
        giveUpMs: 20_000,
      });
    // Well-formed but false signature, no declared length: read only up to the cap, then 413.
    const chunkedFakeSigned = (): Promise<RawOutcome> =>
      sendRaw(http.port, {
        head: commandHead({
          'transfer-encoding': 'chunked',
          'x-slack-signature': FAKE_SIGNATURE,
          'x-slack-request-timestamp': String(now()),
        }),
        bodyBytes: 100 * MB,
        chunked: true,
        giveUpMs: 20_000,
      });
    const { result, peakBytes } = await peakRssDuring(() =>
      Promise.all([
        ...Array.from({ length: 4 }, declared),
        ...Array.from({ length: 4 }, chunkedUnsigned),
        ...Array.from({ length: 4 }, chunkedFakeSigned),
      ]),
    );
    const counts = { declared413: 0, unsigned401: 0, fakeSignedRefused: 0 };
    result.slice(0, 4).forEach((o) => {
      expect(o.status).toBe(413);
      expect(o.bytesWritten).toBeLessThan(100 * MB);
      counts.declared413++;
    });
    result.slice(4, 8).forEach((o) => {
      expect(o.status).toBe(401);
      expect(o.bytesWritten).toBeLessThan(100 * MB);
      counts.unsigned401++;
    });
    result.slice(8).forEach((o) => {
      expect(o.status).toBe(413);
      expect(o.bytesWritten).toBeLessThan(100 * MB);
      counts.fakeSignedRefused++;
    });
    const growthMb = (peakBytes - idle) / MB;
    console.log(
      `hostile receiver flood: ${JSON.stringify(counts)}, RSS idle ${(idle / MB).toFixed(1)} MB, peak +${growthMb.toFixed(1)} MB`,
    );
    expect(growthMb).toBeLessThan(50);
  }, 60_000);
});

describe('hostile receiver: slow clients (family "slow")', () => {
  it('slow ×3: a head dripped at 1 B/s, a body dripped at 1 B/s and a declared 1 GB body are all closed well before 30 s', async () => {
    const signed = {
      'x-slack-signature': FAKE_SIGNATURE,
      'x-slack-request-timestamp': String(now()),
    };
    const [head, trickle, gigabyte] = await Promise.all([
      sendRaw(http.port, { head: commandHead(signed), dripMs: 1_000, giveUpMs: 30_000 }),
      sendRaw(http.port, {
        head: commandHead({ ...signed, 'content-length': '64' }),
        bodyBytes: 64,
        dripMs: 1_000,
        drip: 'body',
        giveUpMs: 30_000,
      }),
      sendRaw(http.port, {
        head: commandHead({ ...signed, 'content-length': String(1024 * MB) }),
        giveUpMs: 30_000,
      }),
    ]);
    console.log(
      `hostile receiver slow: head open ${Math.round(head.openMs)} ms (${head.status}), body open ${Math.round(trickle.openMs)} ms (${trickle.status}), 1 GB declared: ${gigabyte.status} after ${Math.round(gigabyte.openMs)} ms`,
    );
    // Node answers 408 when the head or the request does not arrive in time; the guard 413 to the declared 1 GB.
    expect(head.openMs).toBeLessThan(25_000);
    expect(trickle.openMs).toBeLessThan(25_000);
    expect(gigabyte.status).toBe(413);
    expect(gigabyte.openMs).toBeLessThan(25_000);
  }, 60_000);
});
