import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/commands/grammar/parse.js';
import { catchUsageError } from '../expect-usage-error.js';

describe('/cni-bench pairs= and hosts=', () => {
  it('pairs=all and hosts= (distinct names, in the given order) parse', () => {
    expect(parseCommand('/cni-bench weave pairs=all').args).toMatchObject({ network: 'weave', pairs: 'all' });
    expect(parseCommand('/cni-bench weave hosts=u3,u1,u3,u2').args).toMatchObject({ hosts: ['u3', 'u1', 'u2'] });
  });

  it('refuses pairs= other than all, one host, bad names, and mixing with from=/to= or each other', () => {
    expect(catchUsageError(() => parseCommand('/cni-bench weave pairs=some')).message).toMatch(/pairs= takes `all`/);
    expect(catchUsageError(() => parseCommand('/cni-bench weave hosts=u1')).message).toMatch(/two hosts or more/);
    expect(catchUsageError(() => parseCommand('/cni-bench weave hosts=u1,-x')).message).toMatch(
      /not a host name: `-x`/,
    );
    expect(catchUsageError(() => parseCommand('/cni-bench weave pairs=all from=u1')).message).toMatch(
      /leave out from= and to=/,
    );
    expect(catchUsageError(() => parseCommand('/cni-bench weave pairs=all hosts=u1,u2')).message).toMatch(
      /give one of them/,
    );
  });
});
