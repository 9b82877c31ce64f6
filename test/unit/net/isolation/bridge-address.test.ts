import { describe, expect, it } from 'vitest';
import type { SshCommand, SshResult } from '../../../../src/clients/ssh/index.js';
import { addBridgeAddresses, selectSharedHostContainers } from '../../../../src/net/isolation/bridge-address.js';
import type { Endpoint } from '../../../../src/net/isolation/types.js';
import { result } from './fake-network.js';

const ep = (name: string, host: string, tenant = 'default'): Endpoint => ({
  label: name,
  workload: name,
  host,
  container: name,
  ip: '10.32.0.9',
  tenant,
  via: 'container',
});

const opts = () => ({ signal: new AbortController().signal, timeoutMs: 1_000 });

describe('selectSharedHostContainers', () => {
  it('selects only containers that share a host with another of the check, each once', () => {
    const endpoints = [ep('a1', 'u1'), ep('b1', 'u1', 'tenant-b'), ep('b1', 'u1', 'default'), ep('c1', 'u2')];
    expect(selectSharedHostContainers(endpoints)).toEqual([
      { host: 'u1', container: 'a1' },
      { host: 'u1', container: 'b1' },
    ]);
    expect(selectSharedHostContainers([ep('a1', 'u1'), ep('c1', 'u2')])).toEqual([]);
  });
});

describe('addBridgeAddresses', () => {
  it('reads NetworkSettings.IPAddress with docker inspect; empty means not on the default bridge', async () => {
    const calls: string[][] = [];
    const answers: Record<string, SshResult> = {
      a1: result({ stdout: '172.17.0.2\n' }),
      w1: result({ stdout: '\n' }),
      gone: result({ code: 1, stderr: 'Error: No such object: gone\n' }),
    };
    const run = async (_host: string, cmd: SshCommand) => {
      calls.push(cmd.argv);
      return answers[cmd.argv[cmd.argv.length - 1]!]!;
    };
    const out = await addBridgeAddresses({ run }, [ep('a1', 'u1'), ep('w1', 'u1'), ep('gone', 'u1')], opts());
    expect(calls[0]).toEqual(['docker', 'inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'a1']);
    expect(out[0]?.bridgeIp).toBe('172.17.0.2');
    expect(out[1]?.bridgeIp).toBeUndefined();
    expect(out[1]?.bridgeLookupError).toBeUndefined();
    expect(out[2]?.bridgeLookupError).toBe('docker inspect gone on u1: Error: No such object: gone');
  });

  it('does not ask hosts already known down, and turns an SSH failure into a reason', async () => {
    const hosts: string[] = [];
    const run = async (host: string) => {
      hosts.push(host);
      throw new Error('ECONNRESET');
    };
    const endpoints = [ep('a1', 'u1'), ep('b1', 'u1'), ep('c1', 'u2'), ep('c2', 'u2')];
    const out = await addBridgeAddresses({ run }, endpoints, { ...opts(), downHosts: new Set(['u2']) });
    expect(hosts).toEqual(['u1', 'u1']);
    expect(out[0]?.bridgeLookupError).toBe('ECONNRESET');
    expect(out[2]?.bridgeLookupError).toBeUndefined();
  });
});
