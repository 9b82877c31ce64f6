import { describe, expect, it } from 'vitest';
import { expectSuccess } from '../../../../src/clients/ssh/expect-success.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';

const base = { stdout: '', stderr: '', truncated: false, durationMs: 1 };

describe('expectSuccess', () => {
  it('passes exit 0 through', () => {
    const r = { ...base, code: 0, stdout: 'ok' };
    expect(expectSuccess(r, 'x')).toBe(r);
  });

  it('throws SshExit with the first stderr line', () => {
    let err: NetopsError | undefined;
    try {
      expectSuccess({ ...base, code: 1, stderr: '\nError: No such container: web-1\nmore\n' }, 'weave ps on u1');
    } catch (e) {
      err = e as NetopsError;
    }
    expect(err?.code).toBe(ErrorCode.SshExit);
    expect(err?.userMessage).toBe('weave ps on u1 exited with code 1: Error: No such container: web-1');
  });

  it('treats truncated output and signals as failures', () => {
    expect(() => expectSuccess({ ...base, code: 0, truncated: true }, 'cat')).toThrow(/more output than the cap/);
    expect(() => expectSuccess({ ...base, code: null, signal: 'KILL' }, 'sleep')).toThrow(/killed by SIGKILL/);
  });
});
