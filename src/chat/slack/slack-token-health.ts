import type { FetchFunction, WebClient } from '@slack/web-api';
import type { Logger } from '../../logging.js';

/**
 * Web API errors that mean the bot token itself can no longer be used, whatever the method
 * (slack-ruby/slack-api-ref methods/auth/auth.test.json @f4837c0c, the same list on every method): a wrong or
 * rotated token (invalid_auth), a revoked one or an uninstalled app (token_revoked), a deleted workspace or bot
 * user (account_inactive), an expired rotating token (token_expired), and no token at all (not_authed).
 * None of them goes away by retrying.
 */
const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'token_expired',
  'not_authed',
]);

/** Why the bot token cannot be used, and when that was seen. */
interface TokenProblem {
  error: string;
  atMs: number;
}

/** The identity `auth.test` reports for the bot token. */
export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

/** Health of the Slack bot token in this process: checked with `auth.test`, and fed by every Web API answer. */
export interface SlackTokenHealth {
  /** The token error seen last, or undefined while the token works (or was not checked yet). */
  problem(): TokenProblem | undefined;
  /** Records a Web API error; only {@link TOKEN_ERRORS} change the health. */
  report(error: string): void;
  /**
   * Calls `auth.test`. Resolves with the bot's identity, or undefined when Slack could not be asked (network, 5xx:
   * health unchanged). A token error is recorded and resolves undefined too.
   */
  check(): Promise<BotIdentity | undefined>;
  /** Re-checks every `intervalMs` until stop(); the timer never keeps the process alive. */
  start(intervalMs: number): void;
  stop(): void;
  /** Wraps a fetch so that every Web API answer made with the bot token (xoxb-) reports its error here. */
  watch(fetch: FetchFunction): FetchFunction;
}

/** Creates the health of one bot token; `client` must carry that token. */
export function createSlackTokenHealth(deps: { client: Pick<WebClient, 'auth'>; logger: Logger }): SlackTokenHealth {
  let current: TokenProblem | undefined;
  let timer: NodeJS.Timeout | undefined;
  const report = (error: string) => {
    if (!TOKEN_ERRORS.has(error)) return;
    if (current?.error !== error)
      deps.logger.error({ error }, `slack bot token unusable: ${describeTokenProblem(error)}`);
    current = { error, atMs: Date.now() };
  };
  const check = async (): Promise<BotIdentity | undefined> => {
    try {
      const res = await deps.client.auth.test();
      // A token that works again (e.g. a workspace reactivated) makes the process ready again.
      current = undefined;
      return {
        ...(res.bot_id ? { botId: res.bot_id } : {}),
        ...(res.user_id ? { botUserId: res.user_id } : {}),
        ...(res.team_id ? { teamId: res.team_id } : {}),
      };
    } catch (err) {
      const error = (err as { data?: { error?: unknown } }).data?.error;
      if (typeof error === 'string' && TOKEN_ERRORS.has(error)) report(error);
      else deps.logger.warn({ err }, 'auth.test failed: Slack not reachable, the token is checked again later');
      return undefined;
    }
  };
  return {
    problem: () => current,
    report,
    check,
    start(intervalMs) {
      timer ??= setInterval(() => void check(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    watch(fetch) {
      return async (url, init) => {
        const res = await fetch(url, init);
        const auth = init?.headers?.Authorization ?? '';
        if (auth.startsWith('Bearer xoxb-') && res.headers.get('content-type')?.includes('application/json')) {
          // Read a copy: the client reads the body itself.
          const body = (await (res as unknown as Response)
            .clone()
            .json()
            .catch(() => undefined)) as { ok?: boolean; error?: unknown } | undefined;
          if (body?.ok === false && typeof body.error === 'string') report(body.error);
        }
        return res;
      };
    },
  };
}

/** What a token error means and how to fix it, for logs, the start-up error, /readyz and the chat answer. */
export function describeTokenProblem(error: string): string {
  const fix =
    'copy the Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page (reinstall the app if it is missing) into SLACK_BOT_TOKEN and restart';
  switch (error) {
    case 'token_revoked':
      return `Slack says the bot token was revoked (token_revoked) — ${fix}`;
    case 'account_inactive':
      return `Slack says the bot user or workspace is deactivated (account_inactive) — ${fix}`;
    case 'token_expired':
      return `Slack says the bot token expired (token_expired; token rotation is on for the app) — turn token rotation off in the manifest or ${fix}`;
    case 'not_authed':
      return `Slack received no bot token (not_authed) — ${fix}`;
    default:
      return `Slack does not accept the bot token (${error}) — ${fix}`;
  }
}
