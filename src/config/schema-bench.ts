import { z } from 'zod';
import { IMAGE } from '../clients/ssh/params.js';
import { intInRange } from './fields.js';

const imageRef = () => {
  const error = 'must be an image reference like networkstatic/iperf3 or registry.example/nginx:1.27';
  return z.string({ error }).regex(new RegExp(`^(?:${IMAGE.source})$`), { error });
};

/**
 * What /cni-bench runs: its images (registries and mirrors differ between sites) and the HTTP payload it creates
 * inside the HTTP server container. Defaults are the published images: networkstatic/iperf3 (ENTRYPOINT iperf3)
 * and nginx, whose image carries curl for the client side.
 */
export function createBenchSchema() {
  const images = z
    .strictObject({
      iperf3: imageRef()
        .default('networkstatic/iperf3')
        .describe('the iperf3 image (ENTRYPOINT iperf3) of the server, and of the client unless iperf3Client is set'),
      iperf3Client: imageRef().optional().describe('the iperf3 image of the client side, when it differs'),
      httpServer: imageRef().default('nginx').describe('the HTTP server image (serves webRoot on port 80)'),
      httpClient: imageRef().default('nginx').describe('the HTTP client image (needs curl; nginx has it)'),
      ftpServer: imageRef()
        .default('fauria/vsftpd')
        .describe('the FTP server image, configured like fauria/vsftpd (FTP_USER, FTP_PASS, LISTEN_PORT, PASV_*)'),
      ftpClient: imageRef().default('nginx').describe('the FTP client image (needs curl; nginx has it)'),
      scpServer: imageRef()
        .default('linuxserver/openssh-server')
        .describe(
          'the SSH server image, configured like linuxserver/openssh-server (USER_NAME, PUBLIC_KEY, LISTEN_PORT)',
        ),
      scpClient: imageRef()
        .default('linuxserver/openssh-server')
        .describe('the SCP client image (needs scp and ssh-keygen; linuxserver/openssh-server has them)'),
    })
    .prefault({});
  const http = z
    .strictObject({
      payloadMB: intInRange(1, 10_000)
        .default(100)
        .describe('the size in MiB of the file the HTTP test fetches (created in the server container)'),
      webRoot: z
        .string({ error: 'must be an absolute path like /usr/share/nginx/html' })
        .regex(/^(?:\/[a-zA-Z0-9_-][a-zA-Z0-9_.-]*)+$/, {
          error: 'must be an absolute path like /usr/share/nginx/html',
        })
        .default('/usr/share/nginx/html')
        .describe("the HTTP server image's document root"),
    })
    .prefault({});
  const transfer = z
    .strictObject({
      payloadMB: intInRange(1, 10_000)
        .default(100)
        .describe('the size in MiB of the file the FTP and SCP tests fetch (created in each server container)'),
    })
    .prefault({});
  return z
    .strictObject({
      images: images.describe('the images section of bench'),
      http: http.describe('the http section of bench'),
      transfer: transfer.describe('the transfer section of bench (FTP and SCP)'),
    })
    .prefault({});
}
