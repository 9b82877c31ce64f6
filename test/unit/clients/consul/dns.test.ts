import { type AddressInfo, createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { dialTcp, resolveConsulDns } from '../../../../src/clients/consul/dns.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

const FIVE = ['10.32.1.1', '10.32.1.2', '10.32.1.3', '10.32.1.4', '10.32.1.5'];

/** A real TCP DNS server (RFC 1035 §4.2.2 framing) answering like Consul DNS for `web.service.consul`. */
async function startTcpDnsStub(rcodeFor: (name: string) => number = (n) => (n === 'web.service.consul' ? 0 : 3)) {
  const seen: string[] = [];
  server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const q = dnsPacket.streamDecode(buf);
      const question = q.questions?.[0];
      seen.push(`${question?.type} ${question?.name}`);
      const rcode = rcodeFor(question?.name ?? '');
      const answers: dnsPacket.Answer[] = [];
      if (rcode === 0 && question?.type === 'A')
        for (const ip of FIVE) answers.push({ type: 'A', name: question.name, ttl: 0, data: ip });
      if (rcode === 0 && question?.type === 'SRV')
        answers.push({
          type: 'SRV',
          name: question.name,
          ttl: 0,
          data: { priority: 1, weight: 1, port: 8080, target: '0a200102.addr.dc1.consul' },
        });
      sock.end(
        dnsPacket.streamEncode({
          type: 'response',
          id: q.id,
          flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
          questions: q.questions,
          answers,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

describe('resolveConsulDns (TCP)', () => {
  it('returns every A record (no UDP answer limit) and the SRV answers', async () => {
    const { port, seen } = await startTcpDnsStub();
    const answer = await resolveConsulDns('web.service.consul', {
      connect: dialTcp('127.0.0.1', port),
      where: `127.0.0.1:${port}`,
    });
    expect(answer.a).toEqual(FIVE);
    expect(answer.srv).toEqual([{ target: '0a200102.addr.dc1.consul', port: 8080 }]);
    expect(seen.sort()).toEqual(['A web.service.consul', 'SRV web.service.consul']);
  });

  it('returns empty lists for NXDOMAIN', async () => {
    const { port } = await startTcpDnsStub();
    const answer = await resolveConsulDns('nope.service.consul', { connect: dialTcp('127.0.0.1', port), where: 'x' });
    expect(answer).toEqual({ a: [], srv: [] });
  });

  it('fails on SERVFAIL, naming where it asked', async () => {
    const { port } = await startTcpDnsStub(() => 2);
    const err = (await resolveConsulDns('web.service.consul', {
      connect: dialTcp('127.0.0.1', port),
      where: 'agent-x',
    }).catch((e: unknown) => e)) as NetopsError;
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.userMessage).toMatch(/agent-x.*RCODE2/);
  });

  it('dials a host name (localhost), which node:dns Resolver.setServers refused', async () => {
    const { port } = await startTcpDnsStub();
    const answer = await resolveConsulDns('web.service.consul', { connect: dialTcp('localhost', port), where: 'x' });
    expect(answer.a).toHaveLength(5);
  });

  it('reports a refused connection as unreachable', async () => {
    const { port } = await startTcpDnsStub();
    await new Promise((r) => server?.close(r));
    server = undefined;
    const err = (await resolveConsulDns('web.service.consul', {
      connect: dialTcp('127.0.0.1', port),
      where: 'gone',
    }).catch((e: unknown) => e)) as NetopsError;
    expect(err.userMessage).toMatch(/gone.*ECONNREFUSED/);
  });
});
