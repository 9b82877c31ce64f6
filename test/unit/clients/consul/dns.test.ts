import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConsulDns } from '../../../../src/clients/consul/dns.js';

let socket: Socket | undefined;
afterEach(() => {
  socket?.close();
  socket = undefined;
});

/** A real UDP DNS server answering like Consul DNS for `web.service.consul`. */
async function startDnsStub(): Promise<number> {
  const s = createSocket('udp4');
  socket = s;
  s.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const answers: dnsPacket.Answer[] = [];
    if (question?.name === 'web.service.consul' && question.type === 'A') {
      answers.push({ type: 'A', name: question.name, ttl: 0, data: '10.32.1.2' });
      answers.push({ type: 'A', name: question.name, ttl: 0, data: '10.32.1.1' });
    }
    if (question?.name === 'web.service.consul' && question.type === 'SRV') {
      answers.push({
        type: 'SRV',
        name: question.name,
        ttl: 0,
        data: { priority: 1, weight: 1, port: 8080, target: '0a200102.addr.dc1.consul' },
      });
    }
    const rcode = question?.name === 'web.service.consul' ? 'NOERROR' : 'NXDOMAIN';
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (rcode === 'NXDOMAIN' ? 3 : 0),
      questions: q.questions,
      answers,
    });
    s.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

describe('resolveConsulDns', () => {
  it('returns the A and SRV answers of the Consul DNS server', async () => {
    const port = await startDnsStub();
    const answer = await resolveConsulDns('web.service.consul', { server: '127.0.0.1', port });
    expect(answer.a).toEqual(['10.32.1.1', '10.32.1.2']);
    expect(answer.srv).toEqual([{ target: '0a200102.addr.dc1.consul', port: 8080 }]);
  });

  it('returns empty lists for an unknown name', async () => {
    const port = await startDnsStub();
    const answer = await resolveConsulDns('nope.service.consul', { server: '127.0.0.1', port });
    expect(answer).toEqual({ a: [], srv: [] });
  });
});
