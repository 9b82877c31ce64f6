import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { ErrorCode } from '../../../src/errors.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config-fixture.js';

type Doc = Record<string, unknown>;
type Item = Record<string, unknown>;

const list = (doc: Doc, key: string) => doc[key] as Item[];
const nomadOf = (doc: Doc) => list(doc, 'clusters')[0]!.nomad as Item;

interface Case {
  name: string;
  edit?: (doc: Doc, fx: ConfigFixture) => void;
  /** Raw YAML instead of an edited base document. */
  yaml?: string;
  env?: NodeJS.ProcessEnv;
  /** Each pattern must match one problem line; no other problems may be reported. */
  expected: RegExp[];
}

const cases: Case[] = [
  {
    name: 'missing clusters',
    edit: (doc) => delete doc.clusters,
    expected: [/^clusters: is required — add a list with at least one cluster/],
  },
  {
    name: 'empty clusters list',
    edit: (doc) => {
      doc.clusters = [];
      for (const host of list(doc, 'hosts')) delete host.cluster;
    },
    expected: [/^clusters: must list at least one cluster, got \[\] — set a list with at least one cluster/],
  },
  {
    name: 'bad CIDR',
    edit: (doc) => {
      list(doc, 'tenants')[1]!.subnet = '10.32.1.0/33';
    },
    expected: [
      /^tenants\[1\]\.subnet: has prefix length \/33, expected \/0 to \/32 — set the subnet of tenant tenant-b/,
    ],
  },
  {
    name: 'CIDR with host bits set',
    edit: (doc) => {
      list(doc, 'networks')[0]!.range = '10.32.5.0/16';
    },
    expected: [
      /^networks\[0\]\.range: has host bits set; the network is 10\.32\.0\.0\/16 — set the address range of network weave/,
    ],
  },
  {
    name: 'tenant subnet outside the network range',
    edit: (doc) => {
      list(doc, 'tenants')[1]!.subnet = '10.40.0.0/24';
    },
    expected: [
      /^tenants\[1\]\.subnet: 10\.40\.0\.0\/24 is outside the range 10\.32\.0\.0\/16 of network weave — pick a subnet inside it/,
    ],
  },
  {
    name: 'overlapping tenant subnets',
    edit: (doc) => {
      list(doc, 'tenants')[1]!.subnet = '10.32.0.0/23';
    },
    expected: [
      /^tenants\[1\]\.subnet: 10\.32\.0\.0\/23 overlaps 10\.32\.0\.0\/24 of tenant default — tenants need disjoint/,
    ],
  },
  {
    name: 'unknown network in tenant',
    edit: (doc) => {
      list(doc, 'tenants')[0]!.network = 'wave';
    },
    expected: [/^tenants\[0\]\.network: no network named "wave" — use one of: weave, host$/],
  },
  {
    name: 'duplicate host',
    edit: (doc) => {
      list(doc, 'hosts')[1]!.name = 'u1';
    },
    expected: [/^hosts\[1\]\.name: "u1" is already used by hosts\[0\] — rename one of them$/],
  },
  {
    name: 'bad port',
    edit: (doc) => {
      list(doc, 'hosts')[1]!.port = '22x';
    },
    expected: [/^hosts\[1\]\.port: must be an integer from 1 to 65535, got "22x" — set the SSH port of host u2$/],
  },
  {
    name: 'port out of range',
    edit: (doc) => {
      list(doc, 'clusters')[0]!.consul = { address: 'http://127.0.0.1:8500', dnsPort: 70000 };
    },
    expected: [
      /^clusters\[0\]\.consul\.dnsPort: must be an integer from 1 to 65535, got 70000 — set the DNS port of the Consul agents of cluster lab$/,
    ],
  },
  {
    name: 'bad hostKey',
    edit: (doc) => {
      list(doc, 'hosts')[0]!.hostKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIHkJ';
    },
    expected: [
      /^hosts\[0\]\.hostKey: must be an OpenSSH public key line like "ssh-ed25519 AAAAC3Nz… comment" — set the pinned host key of host u1/,
    ],
  },
  {
    name: 'hostKey that is a truncated key',
    edit: (doc) => {
      list(doc, 'hosts')[0]!.hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 u1';
    },
    expected: [/^hosts\[0\]\.hostKey: is not a public key ssh2 can read \(.+\) — set the pinned host key of host u1/],
  },
  {
    name: 'unknown key with suggestion',
    edit: (doc) => {
      const nomad = nomadOf(doc);
      nomad.adress = nomad.address;
      delete nomad.address;
    },
    expected: [
      /^clusters\[0\]\.nomad\.address: is required — add the Nomad HTTP API address of cluster lab, e\.g\. http:\/\/127\.0\.0\.1:4646$/,
      /^clusters\[0\]\.nomad\.adress: unknown key — did you mean "address"\? \(known keys: address, region, namespace, datacenter, token, timeoutMs\)$/,
    ],
  },
  {
    name: 'unknown top-level key without a close match',
    edit: (doc) => {
      doc.zebra = 1;
    },
    expected: [
      /^zebra: unknown key — remove it \(known keys: redis, slack, clusters, hosts, networks, tenants, jobs, limits, isolation, bench, policy\)$/,
    ],
  },
  {
    name: 'env secret missing',
    env: {},
    expected: [
      /^clusters\[0\]\.nomad\.token: env NOMAD_TOKEN is not set — export it or remove clusters\[0\]\.nomad\.token$/,
    ],
  },
  {
    name: 'env secret empty',
    env: { NOMAD_TOKEN: '  ' },
    expected: [/^clusters\[0\]\.nomad\.token: env NOMAD_TOKEN is empty — export a value or unset it$/],
  },
  {
    name: 'secret file missing',
    edit: (doc) => {
      list(doc, 'clusters')[0]!.consul = {
        address: 'http://127.0.0.1:8500',
        token: { file: '/nonexistent/consul.token' },
      };
    },
    expected: [
      /^clusters\[0\]\.consul\.token: file \/nonexistent\/consul\.token cannot be read \(ENOENT\) — create it, fix the path or remove clusters\[0\]\.consul\.token$/,
    ],
  },
  {
    name: 'literal secret in the file',
    edit: (doc) => {
      nomadOf(doc).token = 'b3f1c1de-8d0e-4c4e-9a51-0f5c2b8f7a10';
    },
    expected: [
      /^clusters\[0\]\.nomad\.token: must be a secret reference, not a literal value — write \{ env: NAME \} or \{ file: \/path \}/,
    ],
  },
  {
    name: 'secret reference with both env and file',
    edit: (doc) => {
      nomadOf(doc).token = { env: 'NOMAD_TOKEN', file: '/x' };
    },
    expected: [/^clusters\[0\]\.nomad\.token: needs exactly one of env or file — /],
  },
  {
    name: 'wrong token prefix from env',
    env: { ...baseEnv(), SLACK_BOT_TOKEN: 'xoxp-1-user-token', SLACK_SIGNING_SECRET: 'abc123' },
    expected: [
      /^slack\.botToken: the value of env SLACK_BOT_TOKEN must start with xoxb- — set it to the app's bot token/,
    ],
  },
  {
    name: 'wrong app token prefix from the file reference',
    edit: (doc) => {
      doc.slack = { botToken: { env: 'BOT' }, appToken: { env: 'APP' } };
    },
    env: { ...baseEnv(), BOT: 'xoxb-1', APP: 'xoxb-2' },
    expected: [/^slack\.appToken: the value of env APP must start with xapp- — set it to an app-level token/],
  },
  {
    name: 'front end not one of the three',
    edit: (doc) => {
      doc.slack = { frontend: 'rtm' };
    },
    expected: [/^slack\.frontend: must be http, socket or console/],
  },
  {
    name: 'YAML syntax error with line and column',
    yaml: 'clusters:\n  - name: lab\n    nomad: { address: http://x:4646\n',
    expected: [/:4:1: YAML syntax error: .+ — fix the YAML at line 4, column 1$/],
  },
  {
    name: 'duplicate YAML key',
    yaml: 'clusters: []\nhosts: []\nclusters: []\n',
    expected: [/:3:1: YAML syntax error: Map keys must be unique — fix the YAML at line 3, column 1$/],
  },
  {
    name: 'YAML alias bomb',
    yaml: [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n'),
    expected: [/: YAML cannot be loaded: Excessive alias count .* — remove the repeated aliases$/],
  },
  {
    name: 'prototype keys are unknown keys, not object internals',
    yaml: '__proto__: { polluted: 1 }\nconstructor: 1\n',
    expected: [
      /: key __proto__ is refused \(it names an object prototype\) — rename or remove it$/,
      /: key constructor is refused \(it names an object prototype\) — rename or remove it$/,
    ],
  },
  // Issue 17 item 9: each hostile value refused at load with the field and the fix.
  {
    name: 'prototype key nested in a map (policy users)',
    yaml: 'policy:\n  users:\n    __proto__: [admin]\n',
    expected: [/: key policy\.users\.__proto__ is refused .* — rename or remove it$/],
  },
  {
    name: 'unknown YAML tags',
    yaml: 'clusters: !include other.yaml\nhosts: !!python/object x\n',
    expected: [
      /:1:11: Unresolved tag: !include — remove the tag$/,
      /:2:8: Unresolved tag: tag:yaml\.org,2002:python\/object — remove the tag$/,
    ],
  },
  {
    name: 'invalid UTF-8',
    yaml: 'clusters:\n  - name: la\uFFFDb\n',
    expected: [/:2: invalid UTF-8 \(or U\+FFFD\) — save the file as UTF-8$/],
  },
  {
    name: 'IPv6 host address',
    edit: (doc) => {
      list(doc, 'hosts')[0]!.address = 'fd00::11';
    },
    expected: [
      /^hosts\[0\]\.address: is an IPv6 address, which netops-bot does not support — use the host’s IPv4 address/,
    ],
  },
  {
    name: 'NUL and newline in an SSH user',
    edit: (doc) => {
      list(doc, 'hosts')[0]!.user = 'net\u0000ops';
      list(doc, 'hosts')[1]!.user = 'netops\nProxyCommand x';
    },
    expected: [
      /^hosts\[0\]\.user: contains the control character U\+0000 at position 4 — remove it$/,
      /^hosts\[1\]\.user: contains the control character U\+000A at position 7 — remove it$/,
    ],
  },
  {
    name: 'NUL in a token (the token itself never shown)',
    env: { NOMAD_TOKEN: 'b3f1c1de-8d0e\u00004c4e-9a51-0f5c2b8f7a10' },
    expected: [
      /^clusters\[0\]\.nomad\.token: the value of env NOMAD_TOKEN contains the control character U\+0000 at position 14 — write the secret without it$/,
    ],
  },
  {
    name: 'subnets that cannot work: 0.0.0.0/0 and a /32',
    edit: (doc) => {
      list(doc, 'tenants')[0]!.subnet = '0.0.0.0/0';
      list(doc, 'tenants')[1]!.subnet = '10.32.1.7/32';
    },
    expected: [
      /^tenants\[0\]\.subnet: is a \/0: too wide/,
      /^tenants\[1\]\.subnet: is a \/32: no address is left/,
      // The cross-checks say what else is wrong with them.
      /^tenants\[0\]\.subnet: 0\.0\.0\.0\/0 is outside the range/,
      /^tenants\[1\]\.subnet: 10\.32\.1\.7\/32 overlaps 0\.0\.0\.0\/0/,
    ],
  },
  {
    name: 'approval expiry of 1e-9 minutes',
    edit: (doc) => {
      doc.policy = { approvals: { expiryMinutes: 1e-9 } };
    },
    expected: [/^policy\.approvals\.expiryMinutes: must be at least 1 minute/],
  },
  {
    name: 'image reference with a registry port above 65535',
    edit: (doc) => {
      doc.bench = { images: { iperf3: 'registry.example:99999/iperf3' } };
    },
    expected: [/^bench\.images\.iperf3: names a registry port above 65535/],
  },
  {
    name: 'tenant on a host network',
    edit: (doc) => {
      list(doc, 'tenants')[1]!.network = 'host';
    },
    expected: [
      /^tenants\[1\]\.network: host is a host network \(containers share the host's network stack; no overlay subnet can isolate a tenant\) — place the tenant on an overlay network: weave$/,
    ],
  },
  {
    name: 'tenant on a host network when no overlay is defined',
    edit: (doc) => {
      doc.networks = [{ name: 'bare', kind: 'host', attach: 'host', mtu: 1500 }];
      for (const tenant of list(doc, 'tenants')) tenant.network = 'bare';
      list(doc, 'tenants').pop();
    },
    expected: [
      /^tenants\[0\]\.network: bare is a host network .* — place the tenant on an overlay network: \(define one under networks\)$/,
    ],
  },
  {
    name: 'tenant names the command grammar cannot address',
    edit: (doc) => {
      list(doc, 'tenants')[0]!.name = 'Tenant_A';
      list(doc, 'tenants')[1]!.name = 'team.b';
    },
    expected: [
      /^tenants\[0\]\.name: "Tenant_A" cannot be addressed by chat commands \(subnet=<tenant>, tenant:<tenant> take 1-63 of a-z 0-9 -, starting with a letter or digit\) — rename it, e\.g\. tenant-a$/,
      /^tenants\[1\]\.name: "team\.b" cannot be addressed by chat commands .* — rename it, e\.g\. team-b$/,
    ],
  },
  {
    name: 'tenant name with no close addressable name',
    edit: (doc) => {
      list(doc, 'tenants')[1]!.name = '_';
    },
    expected: [/^tenants\[1\]\.name: "_" cannot be addressed by chat commands .* — rename it, e\.g\. tenant-b$/],
  },
  {
    name: 'routed network attached like a host network',
    edit: (doc) => {
      list(doc, 'networks').push({ name: 'routed', kind: 'routed', attach: 'host', mtu: 1500 });
    },
    expected: [/^networks\[2\]\.attach: kind routed needs an overlay attach mode — set kind and attach together$/],
  },
  {
    name: 'top level is not a mapping',
    yaml: '- a\n- b\n',
    expected: [/^\(top level\): must be a mapping of sections/],
  },
  {
    name: 'host in an unknown cluster',
    edit: (doc) => {
      list(doc, 'hosts')[0]!.cluster = 'prod';
    },
    expected: [/^hosts\[0\]\.cluster: no cluster named "prod" — use one of: lab$/],
  },
  {
    name: 'host without a way to authenticate',
    edit: (doc) => {
      delete list(doc, 'hosts')[1]!.agent;
    },
    expected: [/^hosts\[1\]: has no way to authenticate — set keyFile: \/path\/to\/id_ed25519 or agent: true$/],
  },
  {
    name: 'key file that is not a private key',
    edit: (doc, fx) => {
      list(doc, 'hosts')[0]!.keyFile = fx.consulTokenPath;
    },
    expected: [
      /^hosts\[0\]\.keyFile: .*consul\.token is not a private key ssh2 can use \(.+\) — point it at an unencrypted/,
    ],
  },
  {
    name: 'network attached through a docker network without its name',
    edit: (doc) => {
      list(doc, 'networks').push({
        name: 'flannel',
        kind: 'flannel',
        attach: 'docker-network',
        interface: 'eth1',
        mtu: 8950,
      });
    },
    expected: [/^networks\[2\]\.dockerNetwork: is required with attach: docker-network — set the docker network/],
  },
  {
    name: 'enum typo',
    edit: (doc) => {
      list(doc, 'networks')[0]!.kind = 'waeve';
    },
    expected: [
      /^networks\[0\]\.kind: must be one of weave, flannel, routed, host, docker-network, got "waeve" — set the kind of network weave$/,
    ],
  },
  {
    name: 'several problems reported together',
    edit: (doc) => {
      list(doc, 'hosts')[1]!.port = 0;
      list(doc, 'tenants')[0]!.network = 'nope';
      doc.tenant = [];
      list(doc, 'clusters')[0]!.consul = { address: 'ftp://x' };
    },
    env: {},
    expected: [
      /^clusters\[0\]\.nomad\.token: env NOMAD_TOKEN is not set/,
      /^clusters\[0\]\.consul\.address: must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/,
      /^hosts\[1\]\.port: must be an integer from 1 to 65535, got 0/,
      /^tenant: unknown key — did you mean "tenants"\?/,
      /^tenants\[0\]\.network: no network named "nope"/,
    ],
  },
];

describe('config problems', () => {
  let fx: ConfigFixture;
  beforeAll(() => {
    fx = createConfigFixture();
  });
  afterAll(() => fx.remove());

  it('the base document is valid, so each case fails only for its own edit', () => {
    expect(() => loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()) })).not.toThrow();
  });

  it.each(cases)('$name', ({ edit, yaml, env, expected }) => {
    let path: string;
    if (yaml === undefined) {
      const doc = fx.baseDoc();
      edit?.(doc, fx);
      path = fx.writeConfig(doc);
    } else {
      path = fx.writeConfig(yaml);
    }
    const err = catchConfigError(() => loadConfig(env ?? baseEnv(), { path }));
    expect(err.code).toBe(ErrorCode.Config);
    expect(err.message).toContain(path);
    const unmatched = err.problems.filter((p) => !expected.some((re) => re.test(p)));
    expect(unmatched, 'problems no pattern expects').toEqual([]);
    for (const re of expected)
      expect(
        err.problems.some((p) => re.test(p)),
        `no problem matches ${re}`,
      ).toBe(true);
  });
});
