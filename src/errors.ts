import { redactExternal } from './redaction.js';

/** Caps of an error's texts: generous for config problem lists, still bounded for any outside text in them. */
const MESSAGE_MAX = 16_000;
const USER_MESSAGE_MAX = 8_000;

/**
 * Error catalogue. Every error the bot raises carries a stable code (never reused, see docs/errors.md).
 * Only errors with a `userMessage` are shown in chat; everything else is shown as a short reference that
 * matches the log line, so internals (stack traces, upstream bodies, paths) never leak into a channel.
 */
export enum ErrorCode {
  Usage = 'netops_usage',
  Forbidden = 'netops_forbidden',
  Config = 'netops_config',
  NotAvailable = 'netops_not_available',
  UpstreamHttp = 'netops_upstream_http',
  UpstreamUnreachable = 'netops_upstream_unreachable',
  Conflict = 'netops_conflict',
  NotFound = 'netops_not_found',
  SshExit = 'netops_ssh_exit',
  SshConnect = 'netops_ssh_connect',
  SshHostKey = 'netops_ssh_host_key',
  Timeout = 'netops_timeout',
  Cancelled = 'netops_cancelled',
  QueueUnavailable = 'netops_queue_unavailable',
  Deploy = 'netops_deploy_failed',
  Bench = 'netops_bench_failed',
  Internal = 'netops_internal',
}

export interface NetopsErrorOptions {
  /** Text safe to show in chat. Without it, chat shows only a reference. */
  userMessage?: string;
  /** Whether repeating the same operation may succeed (timeouts, 5xx). */
  retryable?: boolean;
  cause?: unknown;
}

/** Base class of every error raised on purpose by the bot. */
export class NetopsError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: NetopsErrorOptions = {}) {
    // Redacted where the error is created (issue 17 item 1): whatever quotes an upstream, its message and
    // userMessage reach replies, job records, BullMQ failure records and audit; none may carry a secret.
    const safe = redactExternal(message, { max: MESSAGE_MAX });
    super(safe, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.userMessage =
      opts.userMessage === undefined ? undefined : redactExternal(opts.userMessage, { max: USER_MESSAGE_MAX });
    this.retryable = opts.retryable ?? false;
  }

  /** True when the message may be shown in chat as is. */
  get isUserSafe(): boolean {
    return this.userMessage !== undefined;
  }
}

/** Bad command text; the message is the usage hint shown to the user. */
export class UsageError extends NetopsError {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(ErrorCode.Usage, message, { userMessage: usage ? `${message}\nUsage: ${usage}` : message });
  }
}

/** The caller may not run this command here. */
export class ForbiddenError extends NetopsError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message, { userMessage: message });
  }
}

/** Invalid configuration; raised at boot, lists every problem at once. */
export class ConfigError extends NetopsError {
  constructor(readonly problems: string[]) {
    super(ErrorCode.Config, `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** An upstream HTTP API (Nomad, Consul, Slack) answered with a non-2xx status. */
export class UpstreamHttpError extends NetopsError {
  /** The upstream body, redacted and capped. */
  readonly body: string;
  constructor(
    readonly requestName: string,
    readonly status: number,
    body: string,
    opts: NetopsErrorOptions = {},
  ) {
    super(ErrorCode.UpstreamHttp, `${requestName}: HTTP ${status}: ${body.slice(0, 500)}`, {
      retryable: status >= 500 || status === 429,
      ...opts,
    });
    this.body = redactExternal(body);
  }
}

/** An operation ran past its deadline. */
export class TimeoutError extends NetopsError {
  constructor(what: string, timeoutMs: number, opts: NetopsErrorOptions = {}) {
    super(ErrorCode.Timeout, `${what} timed out after ${timeoutMs} ms`, { retryable: true, ...opts });
  }
}

/** The job was cancelled by a user or by shutdown. */
export class CancelledError extends NetopsError {
  constructor(reason = 'cancelled') {
    super(ErrorCode.Cancelled, reason, { userMessage: `Cancelled: ${reason}` });
  }
}

/** Narrowing helper that also works across module copies (compares the code, not the class). */
export function isNetopsError(err: unknown): err is NetopsError {
  return err instanceof NetopsError || (typeof err === 'object' && err !== null && 'code' in err && 'retryable' in err);
}

/** The text shown in chat for any error: the user-safe message, or a reference that matches the log line. */
export function describeForUser(err: unknown, ref: string): string {
  if (isNetopsError(err) && err.userMessage) return err.userMessage;
  return `Internal error (ref \`${ref}\`), see the bot's logs.`;
}
