import { dirname } from 'node:path';
import { setBoundarySecrets } from '../redaction.js';
import { ConfigFileError } from './config-file-error.js';
import { chooseConfigPath } from './config-path.js';
import { crossCheckConfig } from './cross-check.js';
import { crossCheckPolicy } from './cross-check-policy.js';
import { deepFreeze } from './deep-freeze.js';
import { formatIssue } from './format-problem.js';
import { checkFrontEnd } from './front-end.js';
import { describeReadFailure, type LoadIo } from './load-io.js';
import { readYaml } from './read-yaml.js';
import { readRegularFile, readRegularFileSync } from './safe-read.js';
import { type Config, createConfigSchema } from './schema.js';
import { collectSecretValues, secretPaths } from './secrets.js';

/** Options of loadConfig; everything defaults to the real process. */
export interface LoadConfigOptions {
  /** Config file (from `--config`); otherwise NETOPS_CONFIG, config/netops.yaml, config/netops.example.yaml. */
  path?: string;
  /** Reads a UTF-8 file, throwing like fs.readFileSync; used for the config, secret files and key files. */
  readFile?: (path: string) => string;
  /** Directory relative paths are resolved against; defaults to process.cwd(). */
  cwd?: string;
}

function isSecretPath(path: readonly PropertyKey[]): boolean {
  const pattern = path
    .map((k) => (typeof k === 'number' ? '[*]' : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
  return secretPaths().some((p) => pattern === p || pattern.startsWith(`${p}.`) || pattern.startsWith(`${p}[`));
}

function validateDocument(raw: unknown, io: LoadIo): { config?: Config; problems: string[] } {
  if (raw === null || raw === undefined) {
    return { problems: ['(top level): the file is empty — start from config/netops.example.yaml'] };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      problems: [
        '(top level): must be a mapping of sections (clusters:, hosts:, …) — start from config/netops.example.yaml',
      ],
    };
  }
  const schema = createConfigSchema(io);
  const parsed = schema.safeParse(raw, { reportInput: true });
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((i) => formatIssue(i, schema, raw, isSecretPath));
  problems.push(...crossCheckConfig(raw as Record<string, unknown>));
  if (parsed.success)
    problems.push(...checkFrontEnd(parsed.data), ...crossCheckPolicy(parsed.data.policy, parsed.data.tenants));
  return { config: parsed.data, problems };
}

/**
 * Loads, resolves and checks the configuration. Secret references are resolved from `env` and files; every
 * problem (schema, references between sections, secrets, key files) is collected and thrown at once as a
 * ConfigFileError (a ConfigError) whose problems read `path: what is wrong — how to fix it`.
 * @returns the deep-frozen config
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadConfigOptions = {}): Config {
  // Regular files only, under a size cap, opened without blocking: a FIFO or /dev/zero is refused (issue 17 item 8).
  const readFile = opts.readFile ?? ((p: string) => readRegularFileSync(p));
  const cwd = opts.cwd ?? process.cwd();
  const exists = (p: string) => {
    try {
      readFile(p);
      return true;
    } catch {
      return false;
    }
  };
  const file = chooseConfigPath(env, cwd, exists, opts.path);
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    const fix = 'pass --config <file>, set NETOPS_CONFIG, or copy config/netops.example.yaml to config/netops.yaml';
    throw new ConfigFileError(file, [`${file}: cannot read the config file (${describeReadFailure(err)}) — ${fix}`]);
  }
  const yaml = readYaml(text, file);
  if (!yaml.ok) throw new ConfigFileError(file, yaml.problems);
  const { config, problems } = validateDocument(yaml.value, { env, readFile, configDir: dirname(file), cwd });
  if (problems.length > 0 || !config) throw new ConfigFileError(file, problems);
  // Every error made from now on masks this config's secrets where it is created (issue 17 item 1).
  setBoundarySecrets(collectSecretValues(config));
  return deepFreeze(config);
}

/**
 * loadConfig with every file read off the event loop (issue 17 item 8): for start-up, `--config` and reloads.
 * The schema reads secret and key files synchronously inside its transforms, so the load runs in rounds: each
 * round serves files from a cache and notes the ones it still lacks; those are read asynchronously (regular
 * files only, size cap) and the load runs again. Paths come from the config text, so two or three rounds do.
 */
export async function loadConfigAsync(
  env: NodeJS.ProcessEnv = process.env,
  opts: Omit<LoadConfigOptions, 'readFile'> = {},
): Promise<Config> {
  const cache = new Map<string, { text: string } | { err: unknown }>();
  for (let round = 0; round < 8; round++) {
    const missing = new Set<string>();
    const fromCache = (p: string): string => {
      const hit = cache.get(p);
      if (!hit) {
        missing.add(p);
        throw Object.assign(new Error(`${p}: not read yet`), { code: 'ENOENT' });
      }
      if ('err' in hit) throw hit.err;
      return hit.text;
    };
    try {
      const config = loadConfig(env, { ...opts, readFile: fromCache });
      if (missing.size === 0) return config;
    } catch (err) {
      if (missing.size === 0) throw err;
    }
    await Promise.all(
      [...missing].map(async (p) => {
        try {
          cache.set(p, { text: await readRegularFile(p) });
        } catch (err) {
          cache.set(p, { err });
        }
      }),
    );
  }
  throw new ConfigFileError(opts.path ?? '(config)', ['(top level): the config refers to files in too many rounds']);
}
