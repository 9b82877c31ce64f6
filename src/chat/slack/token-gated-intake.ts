import type { Intake } from '../intake.js';
import { describeTokenProblem, type SlackTokenHealth } from './slack-token-health.js';

/**
 * A front end's intake that takes no command while Slack refuses the bot token: the job would run (a deploy
 * changes the cluster) and every reply would fail. The user gets the reason in the ack instead, which needs no
 * token (it is the HTTP response, or the Socket Mode acknowledgement).
 */
export function createTokenGatedIntake(intake: Intake, health: Pick<SlackTokenHealth, 'problem'>): Intake {
  return async (cmd) => {
    const problem = health.problem();
    if (!problem) return intake(cmd);
    return {
      kind: 'error',
      message: `netops-bot cannot post to Slack right now, so nothing was queued: ${describeTokenProblem(problem.error)}. Tell a netops-bot admin.`,
    };
  };
}
