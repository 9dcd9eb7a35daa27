import { MockError, MockStatusError } from '../errors.ts'
import { jsonResponse } from '../json-response.ts'
import type { RenderedError } from '../vendor.ts'
import type { Exchange } from './exchange.ts'

/**
 * The one caller of a vendor's error renderer: turns what a step threw into the vendor's envelope
 * and headers. Expected failures are {@link MockError}s; anything else is a bug, logged and
 * answered as the vendor's 500. Needs nothing (a request id is drawn if none was).
 */
export function renderError(exchange: Exchange, error: unknown): void {
  if (!(error instanceof MockError)) {
    console.error(`[image-registry-mock] ${exchange.operationId} failed unexpectedly:`, error)
  }
  const rendered = renderFor(exchange, error)
  const extra = error instanceof MockStatusError ? error.extra : {}
  // A rule's own body goes out with the rule's own status; the vendor's envelope with the vendor's.
  const own = error instanceof MockStatusError && extra.bodyOverride !== undefined
  const response = jsonResponse(own ? extra.bodyOverride : rendered.body, {
    status: own ? (error as MockStatusError).status : rendered.status,
    headers: rendered.headers,
  })
  // Headers that go with the pipeline's status (`Allow` on a 405) only when the vendor kept it.
  if (error instanceof MockStatusError && rendered.status === error.status) {
    for (const [name, value] of Object.entries(extra.headers ?? {}))
      response.headers.set(name, value)
  }
  if (extra.hint !== undefined) response.headers.set('X-Mock-Hint', extra.hint)
  // 429 and 503 always say when to come back; a rule's retryAfter applies to any status.
  if (extra.retryAfter !== undefined) {
    response.headers.set('Retry-After', String(extra.retryAfter))
  } else if (
    (rendered.status === 429 || rendered.status === 503) &&
    !response.headers.has('Retry-After')
  ) {
    response.headers.set('Retry-After', '1')
  }
  exchange.response = response
}

/** The vendor's envelope for an error in this exchange, without answering with it. */
export function renderFor(exchange: Exchange, error: unknown): RenderedError {
  exchange.requestId ??= exchange.vendor.createRequestId(exchange.runtime.fallbackIds)
  return exchange.vendor.renderError(error, {
    requestId: exchange.requestId,
    operationId: exchange.operationId,
    method: exchange.request.method,
    path: exchange.url.pathname,
  })
}
