// Slack user ids (`U…`, or `W…` on Enterprise Grid): the only ids written as `@id` in neutral text.
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * A user as platform-neutral text in a Report, a status line or a chat answer: `@U123ABC` for a Slack user id,
 * the identity as it is otherwise (`console`, a CLI `--as` name). The Slack renderer turns `@U123ABC` into a
 * mention (chat/render/render-mentions.ts); the console prints it as is. The one builder of user mentions, so no Slack
 * markup (`<@U123ABC>`) is written outside the Slack renderer.
 */
export function describeUser(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `@${userId}` : userId;
}
