import { createHash } from 'node:crypto';
import { formatGoDuration } from './http/go-duration.js';
import type { Service, ServiceCheck, Task } from './job-types.js';
import type { AllocatedPort } from './state-types.js';

/** What the docker driver learned about the container right after start (`detectIP`). */
interface DriverNetwork {
  /** The IP Nomad's docker driver sees: the weave IP in plugin mode, else the docker-bridge IP. */
  ip: string;
  /** True when the network is not `bridge`/`nat`/host (plugin mode): `auto` then advertises the driver IP. */
  autoAdvertise: boolean;
}

/** A Consul agent service registration body, as Nomad 0.8/0.9 sends it. */
export interface AgentServiceRegistration {
  ID: string;
  Name: string;
  Tags: string[];
  Address: string;
  Port: number;
  /** Nomad marks its services (v0.9.7 command/agent/consul/client.go:734, HEAD service_client.go:1383). */
  Meta: Record<string, string>;
  Checks: AgentCheckRegistration[];
}

interface AgentCheckRegistration {
  CheckID: string;
  Name: string;
  HTTP?: string;
  TCP?: string;
  Interval: string;
  Timeout: string;
}

interface RegistrationInput {
  allocId: string;
  task: Task;
  hostIp: string;
  ports: readonly AllocatedPort[];
  driver: DriverNetwork;
}

/**
 * Builds the Consul registrations Nomad 0.8/0.9 makes for a task's services (reference §3.1, §4): the
 * address by `address_mode` (`auto` = driver IP only when the driver auto-advertises, i.e. plugin mode;
 * `host` = host IP and the mapped host port; `driver` = the driver IP and the container port), checks in
 * `host` mode unless they say otherwise. In proxy mode this is exactly the wrong-IP problem: the host or
 * docker-bridge IP, never the weave IP.
 */
export function buildServiceRegistrations(input: RegistrationInput): AgentServiceRegistration[] {
  return (input.task.Services ?? []).map((service) => {
    const mode = resolveMode(service.AddressMode, input.driver);
    const [address, port] = resolveAddress(mode, service.PortLabel, input);
    const id = `_nomad-task-${input.allocId}-${input.task.Name}-${service.Name}-${service.PortLabel ?? ''}`;
    return {
      ID: id,
      Name: service.Name ?? '',
      Tags: service.Tags ?? [],
      Address: address,
      Port: port,
      Meta: { 'external-source': 'nomad' },
      Checks: (service.Checks ?? []).map((check) => buildCheck(id, service, check, input)),
    };
  });
}

function buildCheck(serviceId: string, service: Service, check: ServiceCheck, input: RegistrationInput) {
  // Checks never inherit the service's address mode and may not use `auto` (reference §3.1).
  const mode = check.AddressMode ?? 'host';
  const [address, port] = resolveAddress(mode, check.PortLabel ?? service.PortLabel, input);
  const name = check.Name || `service: "${service.Name}" check`;
  const registration: AgentCheckRegistration = {
    CheckID: `_nomad-check-${createHash('sha1').update(`${serviceId}${name}${check.Type}`).digest('hex')}`,
    Name: name,
    Interval: formatGoDuration(check.Interval ?? 10e9),
    Timeout: formatGoDuration(check.Timeout ?? 2e9),
  };
  if (check.Type === 'tcp') registration.TCP = `${address}:${port}`;
  else registration.HTTP = `${check.Protocol || 'http'}://${address}:${port}${check.Path ?? '/'}`;
  return registration;
}

function resolveMode(mode: string | undefined, driver: DriverNetwork): 'host' | 'driver' {
  if (mode === 'driver') return 'driver';
  if (mode === 'host') return 'host';
  return driver.autoAdvertise ? 'driver' : 'host';
}

function resolveAddress(mode: string, portLabel: string | undefined, input: RegistrationInput): [string, number] {
  const port = input.ports.find((p) => p.Label === portLabel);
  const numeric = portLabel !== undefined && /^[0-9]+$/.test(portLabel) ? Number(portLabel) : undefined;
  if (mode === 'driver') {
    const containerPort = port ? port.To || port.Value : (numeric ?? 0);
    return [input.driver.ip, containerPort];
  }
  // `host` without a port label leaves the address empty so Consul fills in the agent's (nomad#9177).
  if (!port && numeric === undefined) return ['', 0];
  return [input.hostIp, port ? port.Value : (numeric as number)];
}
