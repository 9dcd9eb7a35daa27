import { type Exchange, sendsNoAnswer } from './exchange.ts'

/**
 * Puts the vendor's request-id header and `X-Mock-Fault` (every rule that fired) on
 * every answer that is not a dropped connection. Needs the response and request id.
 */
export function stampHeaders(exchange: Exchange): void {
  const { response } = exchange
  if (!response || sendsNoAnswer(exchange)) return
  // An upstream's answer keeps its own request id (or none).
  if (!exchange.forwarded)
    response.headers.set(exchange.vendor.requestIdHeader, exchange.requestId ?? '')
  if (exchange.faults.length > 0) {
    response.headers.set('X-Mock-Fault', exchange.faults.map((rule) => rule.id).join(', '))
  }
}
