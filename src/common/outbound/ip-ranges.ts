import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv4 blocks ipaddr.js calls `unicast` that are still not reachable on the public internet (or are metadata). */
const EXTRA_V4_BLOCKS: [string, number][] = [
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['198.18.0.0', 15], // benchmarking
  ['240.0.0.0', 4], // reserved
  ['168.63.129.16', 32], // Azure wire server (metadata)
];

/** A parsed list of CIDRs (`127.0.0.0/8`, `::1/128`); invalid entries throw so config errors surface at boot. */
export function parseCidrs(cidrs: string[]): [Addr, number][] {
  return cidrs.filter((c) => c.trim()).map((c) => ipaddr.parseCIDR(c.trim()));
}

function inAny(addr: Addr, cidrs: [Addr, number][]): boolean {
  return cidrs.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
}

function v4IsGlobal(addr: ipaddr.IPv4): boolean {
  if (addr.range() !== 'unicast') return false; // private, loopback, linkLocal (169.254/16), CGNAT, 0/8, multicast…
  return !EXTRA_V4_BLOCKS.some(([net, bits]) => addr.match(ipaddr.IPv4.parse(net), bits));
}

/** The IPv4 address an IPv6 form embeds (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
export function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = addr.range();
  const b = addr.toByteArray();
  // ::ffff:0:a.b.c.d (rfc6145) is not what ipaddr's toIPv4Address() converts (it throws): take the last 4 bytes.
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return new ipaddr.IPv4(b.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  return null;
}

function v6IsGlobal(addr: ipaddr.IPv6): boolean {
  const v4 = embeddedIPv4(addr);
  if (v4) return v4IsGlobal(v4);
  // Only 2000::/3 is global unicast; ipaddr.js names the special blocks inside it (teredo, documentation…).
  return addr.range() === 'unicast' && addr.match(ipaddr.IPv6.parse('2000::'), 3);
}

/**
 * Whether the engine may connect to `ip`: a global unicast address, or one inside the explicit allow-list
 * (development and tests). Anything unparsable is refused.
 */
export function isAddressAllowed(ip: string, allowList: [Addr, number][] = []): boolean {
  // Anything ipaddr.js cannot parse or classify (it throws on some forms) is refused, never an exception.
  try {
    const addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''));
    if (inAny(addr, allowList)) return true;
    const v4 = addr.kind() === 'ipv6' ? embeddedIPv4(addr as ipaddr.IPv6) : null;
    if (v4 && inAny(v4, allowList)) return true;
    return addr.kind() === 'ipv4' ? v4IsGlobal(addr as ipaddr.IPv4) : v6IsGlobal(addr as ipaddr.IPv6);
  } catch {
    return false;
  }
}

/** Whether a URL hostname (as the WHATWG parser normalised it) is an IP literal rather than a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}
