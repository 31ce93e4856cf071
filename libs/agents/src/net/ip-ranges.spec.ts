import { inCidr, isCidr, restrictedRange } from './ip-ranges';

describe('restrictedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.100.100.200', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['192.0.0.192', 'reserved'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata)'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local (cloud metadata)'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
  ])('%s is %s', (ip, range) => {
    expect(restrictedRange(ip)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::',
  ])('%s is public', (ip) => {
    expect(restrictedRange(ip)).toBeUndefined();
  });
});

describe('inCidr', () => {
  it('matches IPv4 and IPv6 ranges and single addresses', () => {
    expect(inCidr('10.9.8.7', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(inCidr('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(inCidr('127.0.0.2', '127.0.0.1')).toBe(false);
    expect(inCidr('fd12:3456::1', 'fd12::/16')).toBe(true);
    expect(inCidr('fd13::1', 'fd12::/16')).toBe(false);
    expect(inCidr('fd12::1', 'fd12::/15')).toBe(true);
    expect(inCidr('::1', '127.0.0.1')).toBe(false);
  });

  it('knows what a CIDR is', () => {
    expect(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'].every(isCidr)).toBe(true);
    expect(['10.0.0.0/33', 'ollama.internal', '10.0.0.0/8/1', '::1/129'].some(isCidr)).toBe(false);
  });
});
