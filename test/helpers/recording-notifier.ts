import type { Report, StatusView } from '../../src/report/model.js';
import type { MessageRef, Notifier } from '../../src/report/notifier.js';

export interface NotifierCall {
  method: 'post' | 'update' | 'postThread' | 'uploadFiles';
  ref?: MessageRef;
  status?: StatusView;
  report?: Report;
}

/**
 * Stand-in for the Slack notifier in pipeline tests that are about queueing, not Slack: records every call in
 * order. The Slack-facing path is tested with the real WebClient against the Slack API stub.
 */
export function createRecordingNotifier(opts: { failFirstPosts?: number } = {}): Notifier & { calls: NotifierCall[] } {
  const calls: NotifierCall[] = [];
  let ts = 0;
  let failures = opts.failFirstPosts ?? 0;
  return {
    calls,
    async post(target, status, report) {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('slack 500'), { code: 'netops_upstream_http', retryable: true });
      }
      const ref = { channel: target.channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` };
      calls.push({ method: 'post', ref, status, ...(report ? { report } : {}) });
      return ref;
    },
    async update(ref, status, report) {
      calls.push({ method: 'update', ref, status, ...(report ? { report } : {}) });
    },
    async postThread(ref, report) {
      calls.push({ method: 'postThread', ref, report });
    },
    async uploadFiles(ref) {
      calls.push({ method: 'uploadFiles', ref });
    },
  };
}
