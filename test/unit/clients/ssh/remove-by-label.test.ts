import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshPool } from '../../../../src/clients/ssh/connection-pool.js';
import { removeContainersByLabel } from '../../../../src/clients/ssh/remove-by-label.js';
import type { SshPool } from '../../../../src/clients/ssh/types.js';
import { ErrorCode } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type SshTestServer, startSshTestServer } from '../../../helpers/ssh-test-server.js';

// A stand-in `docker` on the session PATH: logs its argv (one per line, NUL-free) and answers `ps`.
const FAKE_DOCKER = `#!/bin/sh
log="$HOME/docker.log"
printf '%s\\n' "$*" >> "$log"
case "$1" in
  ps) [ "$6" = "label=netops.bench=r1" ] && printf 'aaaaaaaaaaaa1111\\nbbbbbbbbbbbb2222\\n'; exit 0 ;;
  rm) exit 0 ;;
esac
echo "docker: unknown command $1" >&2
exit 1
`;

let server: SshTestServer;
let pool: SshPool;

beforeAll(async () => {
  server = await startSshTestServer({ binaries: { docker: FAKE_DOCKER } });
  pool = createSshPool({
    hosts: [
      {
        name: 'u1',
        address: server.host,
        port: server.port,
        user: server.user,
        privateKey: server.clientKey,
        hostKey: server.hostKeyLine,
      },
    ],
    connectTimeoutMs: 5000,
    commandTimeoutMs: 5000,
    outputCapBytes: 65536,
    concurrencyPerHost: 2,
    logger: createSilentLogger(),
  });
});
afterAll(async () => {
  await pool?.close();
  await server?.stop();
});

describe('removeContainersByLabel', () => {
  it('lists by label, then removes exactly those IDs', async () => {
    const ids = await removeContainersByLabel(pool, 'u1', 'netops.bench', 'r1');
    expect(ids).toEqual(['aaaaaaaaaaaa1111', 'bbbbbbbbbbbb2222']);
    const log = readFileSync(join(server.dir, 'docker.log'), 'utf8').trim().split('\n');
    expect(log.slice(-2)).toEqual([
      'ps -a -q --no-trunc --filter label=netops.bench=r1',
      'rm -f aaaaaaaaaaaa1111 bbbbbbbbbbbb2222',
    ]);
  });

  it('does not call rm when nothing matches, and rejects hostile label values', async () => {
    await expect(removeContainersByLabel(pool, 'u1', 'netops.bench', 'none')).resolves.toEqual([]);
    const log = readFileSync(join(server.dir, 'docker.log'), 'utf8').trim().split('\n');
    expect(log.at(-1)).toBe('ps -a -q --no-trunc --filter label=netops.bench=none');
    await expect(removeContainersByLabel(pool, 'u1', 'netops.bench', 'r1;reboot')).rejects.toMatchObject({
      code: ErrorCode.Usage,
    });
  });
});
