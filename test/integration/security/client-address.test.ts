import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/harness.js';
import { addressIdentity } from '../../../src/security/client-address.js';

describe('addressIdentity: what one client address is, for the bounds counted per address', () => {
  it('keeps IPv4 and unknown, unmaps IPv4-mapped IPv6, and takes an IPv6 address by its /64', () => {
    expect(addressIdentity('198.51.100.7')).toBe('198.51.100.7');
    expect(addressIdentity('unknown')).toBe('unknown');
    expect(addressIdentity('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressIdentity('::FFFF:198.51.100.7')).toBe('198.51.100.7');
    for (const a of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:9%eth0', '2001:db8:1:2::1.2.3.4']) expect(addressIdentity(a)).toBe('2001:db8:1:2::/64');
    expect(addressIdentity('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressIdentity('::1')).toBe('0:0:0:0::/64');
    expect(addressIdentity('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(addressIdentity('2001:db8:1:3::1')).not.toBe(addressIdentity('2001:db8:1:2::1'));
  });

  it('one IPv6 /64 is one anonymous client: its addresses share one rate limit (they were each a client of their own)', async () => {
    const h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const from = async (remoteAddress: string) => {
        const res = await h.app.yoga.fetch(
          'http://test.local/graphql',
          { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) },
          { req: { socket: { remoteAddress } } } as never,
        );
        return res.status;
      };
      const statuses = [];
      for (let n = 1; n <= 5; n++) statuses.push(await from(`2001:db8:7:7::${n.toString(16)}`));
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // An IPv4 client seen through a dual-stack socket is the same client as over IPv4.
      expect([await from('198.51.100.9'), await from('::ffff:198.51.100.9'), await from('198.51.100.9'), await from('::ffff:198.51.100.9')]).toEqual([200, 200, 200, 429]);
      // Another /64 is another client.
      expect(await from('2001:db8:7:8::1')).toBe(200);
    } finally {
      await h.close();
    }
  });
});
