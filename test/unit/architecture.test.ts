import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under src/ with its import specifiers. */
function sourceFiles(dir = 'src'): Array<{ file: string; imports: string[] }> {
  const out: Array<{ file: string; imports: string[] }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      const imports = [
        ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1] ?? m[2] ?? '');
      out.push({ file: relative('src', path), imports });
    }
  }
  return out;
}

/** The folder (first path segment under src/) an import lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.'))
    return spec.startsWith('node:')
      ? spec
      : spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/');
  const resolved = relative('.', join('src', file, '..', spec)).replace(/\\/g, '/');
  return resolved.startsWith('src/') ? (resolved.slice(4).split('/')[0] ?? '') : resolved;
}

// The direction of docs/architecture.md: main → chat | workers → access → commands | queue | stores | report |
// clients | net → errors, logging.
const RULES: Array<{ from: string; forbidden: string[]; why: string }> = [
  {
    from: 'commands',
    forbidden: [
      'chat',
      'access',
      'workers',
      'queue',
      'stores',
      'clients',
      'net',
      'main',
      'ioredis',
      'bullmq',
      'undici',
      'ssh2',
      'consul',
      '@slack/bolt',
      'node:fs',
      'node:net',
      'node:child_process',
      'node:http',
    ],
    why: 'commands/ is pure: text in, typed command out',
  },
  {
    from: 'chat',
    forbidden: ['clients', 'workers', 'net', 'main', 'ssh2', 'undici', 'consul'],
    why: 'the chat side never calls Nomad, Consul or SSH',
  },
  {
    from: 'access',
    forbidden: ['chat', 'workers', 'main', 'clients', 'net', '@slack/bolt', '@slack/web-api', 'ssh2', 'undici'],
    why: 'access control and approvals are domain rules, apart from any transport and from the cluster',
  },
  {
    from: 'workers',
    forbidden: ['chat', 'main', '@slack/bolt', '@slack/web-api'],
    why: 'workers never import Bolt or the chat side',
  },
  {
    from: 'clients',
    forbidden: ['chat', 'access', 'workers', 'queue', 'stores', 'main', 'commands', 'report'],
    why: 'clients are thin and know no bot logic',
  },
  {
    from: 'report',
    forbidden: ['chat', 'access', 'workers', 'main', 'clients', '@slack/bolt'],
    why: 'a Report is platform-neutral data',
  },
  {
    from: 'queue',
    forbidden: ['chat', 'access', 'workers', 'main', 'clients', '@slack/bolt'],
    why: 'queue/ owns BullMQ names, job data, the producer and cancel',
  },
  {
    from: 'stores',
    forbidden: ['chat', 'access', 'workers', 'main', 'clients', '@slack/bolt', '@slack/web-api', 'bullmq'],
    why: 'stores/ keeps Redis records (jobs, approvals, locks, audit, bench) and knows no transport or queue',
  },
];

describe('import direction (DESIGN.md layout)', () => {
  const files = sourceFiles();
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });
  for (const rule of RULES) {
    it(`${rule.from}/ does not import ${rule.forbidden.join(', ')}: ${rule.why}`, () => {
      const violations = files
        .filter((f) => f.file.startsWith(`${rule.from}/`))
        .flatMap((f) =>
          f.imports
            .filter((spec) => rule.forbidden.includes(target(f.file, spec)))
            .map((spec) => `${f.file} → ${spec}`),
        );
      expect(violations).toEqual([]);
    });
  }
  it('chat/render/ imports no transport (Bolt, Slack Web API, Redis, chat/slack/, chat/console/): renderers are pure', () => {
    const transport = ['@slack/bolt', '@slack/web-api', 'ioredis', 'bullmq'];
    const violations = files
      .filter((f) => f.file.startsWith('chat/render/'))
      .flatMap((f) =>
        f.imports
          .filter((spec) => {
            const resolved = relative('src', join('src', f.file, '..', spec)).replace(/\\/g, '/');
            return transport.includes(target(f.file, spec)) || /^chat\/(slack|console)\//.test(resolved);
          })
          .map((spec) => `${f.file} → ${spec}`),
      );
    expect(violations).toEqual([]);
  });
  it('nothing in src/ imports the lab or test helpers', () => {
    const violations = files.flatMap((f) =>
      f.imports
        .filter((spec) => /(^|\/)test\//.test(target(f.file, spec)) || spec.includes('/test/'))
        .map((s) => `${f.file} → ${s}`),
    );
    expect(violations).toEqual([]);
  });
});

describe('test support', () => {
  /** Every .ts file under a test folder with the repo paths its relative imports resolve to. */
  const testFiles = (dir: string): Array<{ file: string; targets: string[] }> =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      if (!path.endsWith('.ts')) return [];
      const specs = [
        ...readFileSync(path, 'utf8').matchAll(/from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]/g),
      ];
      return [{ file: path, targets: specs.map((m) => join(dir, m[1] ?? m[2] ?? '').replace(/\\/g, '/')) }];
    });
  it('test/helpers/ imports nothing from test/lab/ (a helper reaching the lab would make each suite using it a lab suite)', () => {
    const violations = testFiles('test/helpers').flatMap((f) =>
      f.targets.filter((t) => t.startsWith('test/lab/')).map((t) => `${f.file} → ${t}`),
    );
    expect(testFiles('test/helpers').length).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });
});
