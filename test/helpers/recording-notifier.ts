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
 * order. Detail is one thread part when the report has a thread, one upload part when it has files. The
 * Slack-facing path is tested with the real WebClient against the Slack API stand-in.
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
    detailParts(ref, report) {
      return [
        ...(report.thread?.length
          ? [
              {
                key: 'thread-0',
                label: 'detail message',
                posts: true,
                send: async () => {
                  calls.push({ method: 'postThread', ref, report });
                },
              },
            ]
          : []),
        ...(report.files?.length
          ? [
              {
                key: 'file-0',
                label: 'chart',
                posts: true,
                send: async () => {
                  calls.push({ method: 'uploadFiles', ref });
                },
              },
            ]
          : []),
      ];
    },
  };
}
