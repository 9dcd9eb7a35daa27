import { isIPv6 } from 'node:net'

/**
 * The `http://HOST:PORT` URL a browser or client on this machine opens for a server bound to
 * `host`: a wildcard address (`0.0.0.0`, `::`), which listens on every interface but is no
 * destination, becomes the loopback of its family (`127.0.0.1`, `[::1]`); an IPv6 address is
 * bracketed (RFC 3986 §3.2.2); a name or any other address stays as given.
 */
export function listenUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`
  // The colon first (only an IPv6 address has one): Node's IPv6 pattern takes milliseconds to
  // compile at its first use, a share of start-up.
  if (host.includes(':') && isIPv6(host))
    return `http://[${/^[0:]+$/.test(host) ? '::1' : host}]:${port}`
  return `http://${host}:${port}`
}
