import type { Config } from './schema.js';
import { createConfigSchema } from './schema.js';
import { visitSchema } from './schema-walk.js';
import { secretRegistry } from './secret-registry.js';

let cachedPaths: string[] | undefined;

function deriveSecretPaths(): string[] {
  // The schema's shape does not depend on the environment, so an empty one is enough to walk it.
  const schema = createConfigSchema({ env: {}, readFile: () => '', configDir: '/', cwd: '/' });
  const paths: string[] = [];
  visitSchema(schema, (node, path) => {
    // has() rather than get(): get() reports an empty mark on a cloned schema as undefined.
    if (!secretRegistry.has(node)) return;
    const mark = secretRegistry.get(node) ?? {};
    if (mark.childKeys) paths.push(...mark.childKeys.map((key) => `${path}.${key}`));
    else paths.push(path);
  });
  return [...new Set(paths)];
}

/**
 * pino redact paths of every secret field, derived from the schema's secret marks, e.g. `slack.botToken`,
 * `clusters[*].nomad.token`, `hosts[*].privateKey`. With `under`, the paths are prefixed for logging the
 * config nested in a log object: `secretPaths('config')` gives `config.slack.botToken`, ….
 */
export function secretPaths(under?: string): string[] {
  cachedPaths ??= deriveSecretPaths();
  return under ? cachedPaths.map((p) => `${under}.${p}`) : [...cachedPaths];
}

/** The values at a redact-style path (`a[*].b`) in a plain object tree. */
export function selectPath(root: unknown, path: string): { parent: Record<string, unknown>; key: string }[] {
  const segments = path.split('.').flatMap((s) => (s.endsWith('[*]') ? [s.slice(0, -3), '*'] : [s]));
  let level: unknown[] = [root];
  for (const segment of segments.slice(0, -1)) {
    level = level.flatMap((node) => {
      if (segment === '*') return Array.isArray(node) ? node : [];
      return typeof node === 'object' && node !== null ? [(node as Record<string, unknown>)[segment]] : [];
    });
  }
  const last = segments.at(-1)!;
  return level
    .filter((node): node is Record<string, unknown> => typeof node === 'object' && node !== null && last in node)
    .map((parent) => ({ parent, key: last }));
}

function expandSecret(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1)];
  // Multi-line secrets (private keys) may leak a line at a time; PEM armour lines are not secret.
  for (const line of value.split('\n'))
    if (line.trim().length >= 8 && !line.startsWith('-----')) forms.push(line.trim());
  if (URL.canParse(value)) {
    const url = new URL(value);
    if (url.password) forms.push(url.password, decodeURIComponent(url.password));
  }
  return forms;
}

/**
 * Every resolved secret value of a config, plus the forms it takes inside JSON log lines and its parts
 * (each line of a key, the password of a URL), for masking free text (createLogger's `secretValues`) and
 * for tests that scan output for secrets. Values shorter than 4 characters are left out as too common.
 */
export function collectSecretValues(config: Config): string[] {
  const values = secretPaths()
    .flatMap((path) => selectPath(config, path))
    .map(({ parent, key }) => parent[key])
    .filter((v): v is string => typeof v === 'string');
  return [...new Set(values.flatMap(expandSecret))].filter((v) => v.length >= 4);
}
