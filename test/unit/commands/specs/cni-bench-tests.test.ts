import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/commands/grammar/parse.js';
import { catchUsageError } from '../expect-usage-error.js';

describe('/cni-bench tests=', () => {
  it('selects tests in the report order; the default is the quick set', () => {
    const picked = parseCommand('/cni-bench weave tests=scp,tcp,ftp,udp,http');
    expect(picked.args).toMatchObject({ tests: ['tcp', 'udp', 'http', 'ftp', 'scp'] });
    expect(parseCommand('/cni-bench weave').args).not.toHaveProperty('tests');
  });

  it('an unknown test name is named with the known ones', () => {
    const err = catchUsageError(() => parseCommand('/cni-bench weave tests=tcp,sftp'));
    expect(err.message).toContain('unknown test `sftp`; known tests: tcp, tcpMulti, udp, http, ftp, scp');
  });
});
