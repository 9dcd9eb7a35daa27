import type { Exchange } from './exchange.ts'

/**
 * Puts the vendor's request-id header and `X-Mock-Fault` (the rule that decided the answer) on
 * every answer that is not a dropped connection. Needs the response and request id.
 */
export function stampHeaders(exchange: Exchange): void {
  const { response } = exchange
  if (!response || exchange.network !== null) return
  // An upstream's answer keeps its own request id (or none).
  if (!exchange.forwarded)
    response.headers.set(exchange.vendor.requestIdHeader, exchange.requestId ?? '')
  const decided = exchange.faults.at(-1)
  if (decided) response.headers.set('X-Mock-Fault', decided.id)
}
