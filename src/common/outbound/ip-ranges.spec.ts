import { embeddedIPv4, isAddressAllowed, literalAddress, parseCidrs } from './ip-ranges';
import ipaddr from 'ipaddr.js';

describe('isAddressAllowed', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3',
    '224.0.0.1', '255.255.255.255', '192.0.2.5', '198.51.100.1', '203.0.113.9', '198.18.0.1', '240.0.0.1',
    '168.63.129.16', '::1', '::', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1',
    '::ffff:7f00:1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2002:c0a8:101::1', '2001:db8::1',
    '[::ffff:127.0.0.1]', 'not-an-ip', '2001::1',
    // regression: the rfc6145 form ::ffff:0:a.b.c.d made ipaddr.js throw (a 500 at create, a crash in the lookup)
    '::ffff:0:7f00:1', '[::ffff:0:7f00:1]', '::ffff:0:a00:1',
  ])('refuses %s', (ip) => expect(isAddressAllowed(ip)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '::ffff:0:808:808'])(
    'allows %s',
    (ip) => expect(isAddressAllowed(ip)).toBe(true),
  );

  it('honours the allow-list, also for the IPv4-mapped form', () => {
    const allow = parseCidrs(['127.0.0.0/8']);
    expect(isAddressAllowed('127.0.0.1', allow)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', allow)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', allow)).toBe(false);
  });
});

describe('embeddedIPv4', () => {
  it('extracts the IPv4 of mapped, NAT64 and 6to4 forms', () => {
    expect(embeddedIPv4(ipaddr.IPv6.parse('::ffff:10.0.0.1'))?.toString()).toBe('10.0.0.1');
    expect(embeddedIPv4(ipaddr.IPv6.parse('64:ff9b::a00:1'))?.toString()).toBe('10.0.0.1');
    expect(embeddedIPv4(ipaddr.IPv6.parse('2002:a00:1::'))?.toString()).toBe('10.0.0.1');
    expect(embeddedIPv4(ipaddr.IPv6.parse('2606:4700::1'))).toBeNull();
  });
});

describe('literalAddress', () => {
  it('recognises normalised URL hosts', () => {
    expect(literalAddress(new URL('http://127.1/').hostname)).toBe('127.0.0.1');
    expect(literalAddress(new URL('http://2130706433/').hostname)).toBe('127.0.0.1');
    expect(literalAddress(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe('::ffff:7f00:1');
    expect(literalAddress('example.com')).toBeNull();
    expect(literalAddress('localhost')).toBeNull();
  });
});
