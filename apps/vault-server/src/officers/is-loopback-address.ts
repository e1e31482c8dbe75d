import { isIP } from 'node:net';

/**
 * True for a loopback peer address: 127.0.0.0/8, ::1, or 127.0.0.0/8 written as an IPv4-mapped
 * IPv6 address (what a dual-stack socket reports). Anything else, including an undefined address
 * (a destroyed socket), is not local. Only the socket's peer counts, never a forwarding header.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) === 6) {
    // ::1 in any spelling (0:0:0:0:0:0:0:1, ::0001).
    const groups = expandIpv6(bare);
    if (groups === null) return false;
    return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
  }
  return false;
}

function expandIpv6(address: string): number[] | null {
  const [head = '', tail] = address.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  if (tail === undefined) {
    const groups = part(head);
    return groups.length === 8 ? groups : null;
  }
  const left = part(head);
  const right = part(tail);
  const zeros = 8 - left.length - right.length;
  return zeros < 0 ? null : [...left, ...Array<number>(zeros).fill(0), ...right];
}
