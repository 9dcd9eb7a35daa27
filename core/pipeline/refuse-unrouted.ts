import { MockStatusError } from '../errors.ts'
import type { Step } from './exchange.ts'

/**
 * A request under a vendor's prefixes that no operation serves gets the vendor's 405 (with
 * `Allow`) when another method serves the path, else its 404. Needs only the router's match.
 */
export const refuseUnrouted: Step = (exchange) => {
  if (exchange.operation) return
  const { request, url, allowed, vendor } = exchange
  if (allowed.length > 0) {
    throw new MockStatusError(
      405,
      `Method ${request.method} is not allowed on ${url.pathname}`,
      'method-not-allowed',
      { headers: { Allow: allowed.join(', ') } },
    )
  }
  throw new MockStatusError(
    404,
    `No ${vendor.title} endpoint at ${request.method} ${url.pathname}`,
    'route-not-found',
  )
}
