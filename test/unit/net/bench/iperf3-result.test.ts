import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractJsonObject, parseIperf3Output } from '../../../../src/net/bench/iperf3-result.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/iperf3', name), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));

describe('parseIperf3Output', () => {
  it('reads TCP receiver throughput from end.sum_received', () => {
    const doc = json('tcp-single.json');
    const r = parseIperf3Output(fixture('tcp-single.json'));
    expect(r).toMatchObject({ ok: true, protocol: 'tcp', streams: 1 });
    if (!r.ok) throw new Error('expected ok');
    expect(r.mbps).toBeCloseTo(doc.end.sum_received.bits_per_second / 1e6, 6);
    expect(r.retransmits).toBe(doc.end.sum_sent.retransmits);
  });

  it('sums parallel streams (the [SUM] receiver figure, not one stream)', () => {
    const doc = json('tcp-multi-4.json');
    const r = parseIperf3Output(fixture('tcp-multi-4.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.streams).toBe(4);
    const perStream = doc.end.streams.map((s: { receiver: { bits_per_second: number } }) => s.receiver.bits_per_second);
    expect(r.mbps).toBeCloseTo(doc.end.sum_received.bits_per_second / 1e6, 6);
    expect(r.mbps).toBeGreaterThan(Math.max(...perStream) / 1e6);
  });

  it('reads UDP receiver throughput, loss and jitter', () => {
    const doc = json('udp.json');
    const r = parseIperf3Output(fixture('udp.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.protocol).toBe('udp');
    expect(r.mbps).toBeCloseTo(doc.end.sum_received.bits_per_second / 1e6, 6);
    expect(r.lostPercent).toBeCloseTo(doc.end.sum_received.lost_percent, 9);
    expect(r.jitterMs).toBeCloseTo(doc.end.sum_received.jitter_ms, 9);
  });

  it('reads the UDP datagram size and the version', () => {
    const r = parseIperf3Output(fixture('udp.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.blksize).toBe(json('udp.json').start.test_start.blksize);
    expect(r.version).toBe('iperf 3.12');
  });

  it("reads iperf3 3.9's UDP JSON (no receiver sum): the sender's end.sum less the lost share", () => {
    const doc = json('udp-3.9.json');
    const r = parseIperf3Output(fixture('udp-3.9.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.version).toBe('iperf 3.9');
    expect(r.mbps).toBeCloseTo((doc.end.sum.bits_per_second * (1 - doc.end.sum.lost_percent / 100)) / 1e6, 6);
  });

  it('refuses to derive a receiver rate from an impossible loss share (the --omit miscount before 3.14)', () => {
    const doc = json('udp-3.9.json');
    doc.end.sum.lost_packets = doc.end.sum.packets + 1000;
    doc.end.sum.lost_percent = 109.3;
    const r = parseIperf3Output(JSON.stringify(doc));
    expect(r).toEqual({
      ok: false,
      error:
        'iperf3 printed no UDP receiver sum (added in 3.11) and an impossible loss of 109.3 %: the receiver rate cannot be derived',
    });
  });

  it('falls back to end.sum less the loss when the receiver sum is missing (iperf3 < 3.11)', () => {
    const doc = json('udp.json');
    delete doc.end.sum_received;
    const r = parseIperf3Output(JSON.stringify(doc));
    if (!r.ok) throw new Error(r.error);
    expect(r.mbps).toBeCloseTo((doc.end.sum.bits_per_second * (1 - doc.end.sum.lost_percent / 100)) / 1e6, 6);
  });

  it('returns the top-level error of a failed run', () => {
    expect(parseIperf3Output(fixture('error-refused.json'))).toEqual({
      ok: false,
      error: 'unable to connect to server: Connection refused',
    });
  });

  it('tolerates text printed after the JSON', () => {
    const r = parseIperf3Output(fixture('tcp-trailing-text.txt'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.mbps).toBeCloseTo(json('tcp-single.json').end.sum_received.bits_per_second / 1e6, 6);
  });

  it('reads output with bare nan numbers, leaving the loss unknown', () => {
    const r = parseIperf3Output(fixture('udp-nan.txt'));
    if (!r.ok) throw new Error(r.error);
    expect(r.lostPercent).toBeUndefined();
    expect(r.mbps).toBeGreaterThan(0);
  });

  it('says so when there is no JSON at all', () => {
    const r = parseIperf3Output('iperf3: error - unable to connect to server\n');
    expect(r).toEqual({ ok: false, error: 'no JSON in iperf3 output: iperf3: error - unable to connect to server' });
    expect(parseIperf3Output('')).toEqual({ ok: false, error: 'no output' });
  });
});

describe('extractJsonObject', () => {
  it('skips braces inside strings and stops at the balanced end', () => {
    expect(extractJsonObject('warn {"a":"}{","b":{"c":1}} tail {x}')).toBe('{"a":"}{","b":{"c":1}}');
    expect(extractJsonObject('{"a":"\\"}"}')).toBe('{"a":"\\"}"}');
    expect(extractJsonObject('{"open": 1')).toBeUndefined();
  });
});
