import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** What one service of a compose file gives its container: the command and the environment, interpolated. */
export interface ComposeService {
  command: string[];
  environment: Record<string, string>;
  /** `host:container[:mode]` volume mounts, host side as written (relative to the compose file). */
  volumes: Array<{ host: string; container: string }>;
  /** Interpolation warnings compose would print (variables unset without a default). */
  warnings: string[];
}

/**
 * Reads a service of a compose file as `docker compose` would hand it to the container, interpolating `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}` and `$$` from `shellEnv`
 * (compose-spec/compose-spec 12-interpolation.md @170098b). Any other `${…}` form throws, as compose refuses it.
 */
export function readComposeService(file: string, service: string, shellEnv: Record<string, string>): ComposeService {
  const doc = parse(readFileSync(file, 'utf8')) as { services?: Record<string, Record<string, unknown>> };
  const raw = doc.services?.[service];
  if (!raw) throw new Error(`${file}: no service ${service}`);
  const warnings: string[] = [];
  const interpolate = (value: unknown) => interpolateCompose(String(value), shellEnv, warnings);
  const command = Array.isArray(raw.command) ? raw.command.map(interpolate) : [];
  const environment: Record<string, string> = {};
  const env = raw.environment ?? {};
  if (Array.isArray(env)) throw new Error(`${file}: ${service}.environment as a list is not read by this helper`);
  for (const [key, value] of Object.entries(env as Record<string, unknown>)) {
    // A key without a value passes the shell's variable through, or nothing when it is unset (05-services.md).
    if (value === null) {
      if (shellEnv[key] !== undefined) environment[key] = shellEnv[key];
      continue;
    }
    environment[key] = interpolate(value);
  }
  const volumes = ((raw.volumes as unknown[]) ?? []).map((v) => {
    const [host = '', container = ''] = interpolate(v).split(':');
    return { host, container };
  });
  return { command, environment, volumes, warnings };
}

const VARIABLE = /\$(?:\$|\{([^}]*)\}|([_a-zA-Z][_a-zA-Z0-9]*))/g;

function interpolateCompose(text: string, env: Record<string, string>, warnings: string[]): string {
  return text.replace(VARIABLE, (match, braced: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const expr = braced ?? bare ?? '';
    const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?])(.*))?$/s.exec(expr);
    if (!m) throw new Error(`invalid interpolation format for ${match}`);
    const [, name = '', op, arg = ''] = m;
    const value = env[name];
    const empty = value === undefined || (op?.startsWith(':') && value === '');
    if (op === ':-' || op === '-') return empty ? arg : (value as string);
    if (op === ':?' || op === '?') {
      if (empty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return value as string;
    }
    if (value === undefined) warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
    return value ?? '';
  });
}
