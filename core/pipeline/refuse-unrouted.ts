import { type Answer, answer, textBody } from '../answer.ts'
import { MockStatusError } from '../errors.ts'
import { routeHint } from '../route-hint.ts'
import type { Exchange, Step } from './exchange.ts'

/**
 * A request under a vendor's prefixes that no operation serves gets the vendor's 405 (with
 * `Allow`) when another method serves the path, else its 404; each vendor's renderer turns these
 * into what its own gateway answers, and `X-Mock-Hint` names the nearest operation (the
 * vendor's body stays as its gateway writes it). A path the vendor's front end cleans gets its
 * redirect. Needs only the router's match.
 */
export const refuseUnrouted: Step = (exchange) => {
  if (exchange.operation) return
  if (exchange.redirect !== undefined) {
    exchange.response = redirectResponse(exchange, exchange.redirect)
    return
  }
  const { request, url, allowed, vendor } = exchange
  const hint = routeHint(vendor, request.method, url.pathname)
  if (allowed.length > 0) {
    throw new MockStatusError(
      405,
      `Method ${request.method} is not allowed on ${url.pathname}`,
      'method-not-allowed',
      { headers: { Allow: allowed.join(', ') }, hint },
    )
  }
  throw new MockStatusError(
    404,
    `No ${vendor.title} endpoint at ${request.method} ${url.pathname}`,
    'route-not-found',
    { hint },
  )
}

/**
 * Go's `http.Redirect` with 301: `Location`, and on a GET a small HTML body (HEAD gets the
 * content type only, other methods neither).
 */
function redirectResponse(exchange: Exchange, location: string): Answer {
  const method = exchange.request.method
  const headers: Record<string, string> = { Location: location }
  if (method === 'GET' || method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8'
  const escaped = location
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
  const body = method === 'GET' ? textBody(`<a href="${escaped}">Moved Permanently</a>.\n\n`) : null
  return answer(body, { status: 301, statusText: '', headers })
}
