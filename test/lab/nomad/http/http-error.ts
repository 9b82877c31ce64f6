import { ErrorCode, NetopsError } from '../../../../src/errors.js';

/**
 * An error the emulated API answers with: a status and the exact plain-text body the real server sends.
 * Handlers throw it; the server turns it into the response instead of crashing.
 */
export class HttpError extends NetopsError {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(ErrorCode.UpstreamHttp, `HTTP ${status}: ${body}`);
  }
}
