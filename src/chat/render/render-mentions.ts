// `@U123ABC` as report/mention.ts writes it, at the start of text or after a space or an opening bracket, so
// that an address such as `ops@U1X` stays text. Ids are `U…`, or `W…` on Enterprise Grid.
const NEUTRAL_MENTION = /(^|[\s(])@([UW][A-Z0-9]{2,20})\b/g;

/**
 * Turns the neutral `@U123ABC` of already escaped mrkdwn into Slack's user mention `<@U123ABC>`
 * (https://api.slack.com/reference/surfaces/formatting#mentioning-users). Only user ids are linked: text cannot
 * produce `<!channel>` or links this way, because escapeMrkdwn ran first.
 */
export function linkMentions(escapedMrkdwn: string): string {
  return escapedMrkdwn.replace(NEUTRAL_MENTION, '$1<@$2>');
}
