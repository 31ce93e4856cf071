import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses an agent may not reach unless the operator allows it: anything that is not a
 * public unicast address. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by the IPv4 address inside, so `::ffff:127.0.0.1` is loopback.
 */
export type RestrictedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (CGNAT)'
  | 'link-local (cloud metadata)'
  | 'multicast'
  | 'reserved'
  | 'unique-local'
  | 'site-local';

type V4Rule = [base: number, prefix: number, range: RestrictedRange];

const V4_RULES: V4Rule[] = [
  [v4('0.0.0.0'), 8, 'unspecified'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'shared (CGNAT)'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local (cloud metadata)'],
  [v4('172.16.0.0'), 12, 'private'],
  // IETF protocol assignments; Oracle Cloud's metadata service is 192.0.0.192.
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'],
];

/** The restricted range an address is in, or undefined for a public address (or text that is not an IP). */
export function restrictedRange(ip: string): RestrictedRange | undefined {
  if (isIPv4(ip)) return v4Range(v4(ip));
  if (isIPv6(ip)) return v6Range(v6Groups(ip));
  return undefined;
}

function v4Range(address: number): RestrictedRange | undefined {
  for (const [base, prefix, range] of V4_RULES) {
    if (prefix === 0 || address >>> (32 - prefix) === base >>> (32 - prefix)) return range;
  }
  return undefined;
}

function v6Range(g: number[]): RestrictedRange | undefined {
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  const embedded = (hi: number, lo: number): number => ((hi << 16) | lo) >>> 0;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated).
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0))
    return v4Range(embedded(g[6], g[7])) ?? (g[5] === 0 ? 'reserved' : undefined);
  // 64:ff9b::/96 NAT64 reaches the IPv4 address inside.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return v4Range(embedded(g[6], g[7]));
  // 2002::/16 6to4: the IPv4 address is in groups 1 and 2.
  if (g[0] === 0x2002) return v4Range(embedded(g[1], g[2]));
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local (cloud metadata)';
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

function v4(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** Eight 16-bit groups; handles `::`, a zone (`%eth0`) and a dotted IPv4 tail. */
function v6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[1] ?? '');
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((x) => parseInt(x, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}

/** Whether `ip` is inside `cidr` (`10.0.0.0/8`, `fd00::/8`, or one address). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', prefixText] = cidr.split('/');
  if (isIPv4(ip) && isIPv4(base)) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    return prefix === 0 || v4(ip) >>> (32 - prefix) === v4(base) >>> (32 - prefix);
  }
  if (isIPv6(ip) && isIPv6(base)) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    const a = v6Groups(ip);
    const b = v6Groups(base);
    for (let bit = 0; bit < prefix; bit += 16) {
      const bits = Math.min(16, prefix - bit);
      const mask = (0xffff << (16 - bits)) & 0xffff;
      if (((a[bit / 16] ?? 0) & mask) !== ((b[bit / 16] ?? 0) & mask)) return false;
    }
    return true;
  }
  return false;
}

/** A CIDR or single address the allow-list may hold. */
export function isCidr(text: string): boolean {
  const [base = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return false;
  const max = isIPv4(base) ? 32 : isIPv6(base) ? 128 : -1;
  if (max < 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
}
