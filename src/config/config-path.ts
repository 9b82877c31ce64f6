import { resolve } from 'node:path';

/**
 * Which config file to load: `--config` (opts.path), else env NETOPS_CONFIG, else config/netops.yaml when it
 * exists, else config/netops.example.yaml. Relative paths are taken from `cwd`.
 */
export function chooseConfigPath(
  env: NodeJS.ProcessEnv,
  cwd: string,
  exists: (path: string) => boolean,
  explicitPath?: string,
): string {
  const chosen = explicitPath ?? (env.NETOPS_CONFIG?.trim() || undefined);
  if (chosen) return resolve(cwd, chosen);
  const local = resolve(cwd, 'config/netops.yaml');
  return exists(local) ? local : resolve(cwd, 'config/netops.example.yaml');
}
