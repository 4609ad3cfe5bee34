import { isIP } from 'node:net';

/**
 * Who sent a request, for rate limiting only: the socket's peer, unless `trustedProxies`
 * reverse proxies stand in front. Each proxy appends the address it was reached from to
 * X-Forwarded-For, so with N proxies the client is the Nth address from the right (the one
 * the nearest trusted proxy appended); everything left of it was written by the client and
 * is ignored. Null when the client has already hung up.
 */
export function clientAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string | null {
  if (trustedProxies > 0 && forwardedFor !== undefined) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    // Fewer hops than proxies: the request passed fewer proxies, and the first hop is the furthest one seen.
    const client = hops.length >= trustedProxies ? hops[hops.length - trustedProxies] : hops[0];
    if (client) return limitedUnit(client);
  }
  return socketAddress ? limitedUnit(socketAddress) : null;
}

/**
 * The unit a limit counts: an IPv4 address (also when written as IPv4-mapped IPv6), or an
 * IPv6 client's /64, which is what one subscriber is given and can change within at will.
 */
function limitedUnit(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address.slice(0, 100);
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, "::" filled in, without a zone (fe80::1%eth0). */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
