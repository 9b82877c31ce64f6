import { describe, expect, it } from 'vitest';
import { addressOf, parseWeavePs } from '../../../src/net/weave-ps.js';

describe('parseWeavePs', () => {
  it('reads the expose line and one line per container, as in the Weave troubleshooting docs', () => {
    const out = [
      'weave:expose 8a:31:f0:9b:1a:2c 10.32.0.1/24 10.32.1.1/24',
      'a7aee7233393 7a:44:d3:11:10:70 10.32.0.2/24',
      'caa1d4ee2570 ba:8c:b9:dc:e1:c9 10.2.1.1/24 10.2.2.1/24',
      'f00dbabe0000 ce:15:34:a9:b5:6d',
      '',
    ].join('\n');
    const ps = parseWeavePs(out);
    expect(ps.expose?.cidrs).toEqual(['10.32.0.1/24', '10.32.1.1/24']);
    expect(ps.containers).toEqual([
      { id: 'a7aee7233393', mac: '7a:44:d3:11:10:70', cidrs: ['10.32.0.2/24'] },
      { id: 'caa1d4ee2570', mac: 'ba:8c:b9:dc:e1:c9', cidrs: ['10.2.1.1/24', '10.2.2.1/24'] },
      { id: 'f00dbabe0000', mac: 'ce:15:34:a9:b5:6d', cidrs: [] },
    ]);
  });

  it('ignores lines that are not attachments instead of guessing', () => {
    const ps = parseWeavePs('weave container is not present. Have you launched it?\nError: foo bar\n');
    expect(ps.expose).toBeUndefined();
    expect(ps.containers).toEqual([]);
  });

  it('addressOf strips the prefix length', () => {
    expect(addressOf('10.32.1.7/24')).toBe('10.32.1.7');
  });
});
