import { describe, expect, it } from 'vitest';
import { checkHeaders, SLACK_BODY_LIMIT_BYTES } from '../../../../src/chat/slack/receiver-guard.js';

const NOW_MS = 1_800_000_000_000;
const nowS = NOW_MS / 1000;
const good = (extra: Record<string, string> = {}) => ({
  headers: {
    'x-slack-signature': `v0=${'0f'.repeat(32)}`,
    'x-slack-request-timestamp': String(nowS),
    'content-length': '120',
    ...extra,
  },
});

describe('checkHeaders: refusals from the headers alone', () => {
  it('passes a well-formed, timely, small request', () => {
    expect(checkHeaders(good(), SLACK_BODY_LIMIT_BYTES, NOW_MS)).toBeUndefined();
  });

  it('413s a declared length above the cap, or one that is not a number', () => {
    expect(
      checkHeaders(good({ 'content-length': String(SLACK_BODY_LIMIT_BYTES + 1) }), SLACK_BODY_LIMIT_BYTES, NOW_MS)
        ?.status,
    ).toBe(413);
    expect(checkHeaders(good({ 'content-length': '1e9' }), SLACK_BODY_LIMIT_BYTES, NOW_MS)?.status).toBe(413);
    expect(
      checkHeaders(good({ 'content-length': String(SLACK_BODY_LIMIT_BYTES) }), SLACK_BODY_LIMIT_BYTES, NOW_MS),
    ).toBeUndefined();
  });

  it('401s a missing or malformed signature', () => {
    const { 'x-slack-signature': _, ...unsigned } = good().headers;
    expect(checkHeaders({ headers: unsigned }, SLACK_BODY_LIMIT_BYTES, NOW_MS)?.status).toBe(401);
    expect(checkHeaders(good({ 'x-slack-signature': 'v1=abc' }), SLACK_BODY_LIMIT_BYTES, NOW_MS)?.status).toBe(401);
  });

  it('401s a timestamp more than five minutes ahead or behind (Bolt checks only behind)', () => {
    const at = (s: number) =>
      checkHeaders(good({ 'x-slack-request-timestamp': String(s) }), SLACK_BODY_LIMIT_BYTES, NOW_MS);
    expect(at(nowS + 301)?.status).toBe(401);
    expect(at(nowS + 365 * 24 * 3600)?.status).toBe(401);
    expect(at(nowS - 301)?.status).toBe(401);
    expect(at(nowS + 300)).toBeUndefined();
    expect(at(nowS - 300)).toBeUndefined();
    expect(checkHeaders(good({ 'x-slack-request-timestamp': '12.5' }), SLACK_BODY_LIMIT_BYTES, NOW_MS)?.status).toBe(
      401,
    );
  });
});
