import { isAbsolute, resolve } from 'node:path';
import ssh2 from 'ssh2';
import { z } from 'zod';
import { entityName, hostAddress, port, publicKeyLine, text } from './fields.js';
import { describeReadFailure, type LoadIo } from './load-io.js';
import { markSecret } from './secret-registry.js';

/** Reads and checks a private key; the key text is the secret, the path is not. */
function createKeyFileSchema(io: LoadIo) {
  return text().transform((path, ctx) => {
    const fullPath = isAbsolute(path) ? path : resolve(io.configDir, path);
    let privateKey: string;
    try {
      privateKey = io.readFile(fullPath);
    } catch (err) {
      const reason = describeReadFailure(err);
      ctx.addIssue({
        code: 'custom',
        message: `cannot read ${fullPath} (${reason})`,
        params: { fix: 'fix the path or use agent: true' },
      });
      return z.NEVER;
    }
    const parsed = ssh2.utils.parseKey(privateKey);
    // Only ssh2's message is quoted, never the key text.
    const problem =
      parsed instanceof Error
        ? `${fullPath} is not a private key ssh2 can use (${parsed.message})`
        : parsed.isPrivateKey()
          ? undefined
          : `${fullPath} holds a public key`;
    if (problem) {
      const fix = 'point it at an unencrypted OpenSSH/PEM private key';
      ctx.addIssue({ code: 'custom', message: problem, params: { fix } });
      return z.NEVER;
    }
    return { path: fullPath, privateKey };
  });
}

/** One SSH-reachable host of a cluster. Output carries `privateKey` (secret) read from `keyFile`. */
export function createHostSchema(io: LoadIo) {
  const host = z.strictObject({
    name: entityName().describe('a host name used in commands'),
    address: hostAddress().describe('the SSH address of host {name}'),
    port: port().default(22).describe('the SSH port of host {name}'),
    user: text().describe('the SSH user of host {name}'),
    keyFile: createKeyFileSchema(io).optional().describe('the private key file of host {name}, or agent: true'),
    agent: z.boolean({ error: 'must be true or false' }).default(false).describe('whether host {name} uses ssh-agent'),
    hostKey: publicKeyLine().describe('the pinned host key of host {name} (a line of ssh-keyscan output)'),
    cluster: entityName().optional().describe('the cluster host {name} belongs to'),
  });
  const flattened = host.transform(({ keyFile, ...rest }) => ({
    ...rest,
    keyFile: keyFile?.path,
    privateKey: keyFile?.privateKey,
  }));
  return markSecret(flattened, { childKeys: ['privateKey'] });
}
