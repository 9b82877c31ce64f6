import { ErrorCode, NetopsError } from '../../../../src/errors.js';

/**
 * An error the emulated API answers with: a status and the exact plain-text body the real server sends.
 * Handlers throw it; the server turns it into the response instead of crashing. `index` is set for errors
 * that real servers send after a successful read (Nomad's 404s carry X-Nomad-Index, its RPC errors do not).
 */
export class HttpError extends NetopsError {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly index?: number,
  ) {
    super(ErrorCode.UpstreamHttp, `HTTP ${status}: ${body}`);
  }
}
