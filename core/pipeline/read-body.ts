import { bodyTextOf } from '../body.ts'
import type { Step } from './exchange.ts'

/**
 * Reads the body within the size limit (413 past it): its bytes as sent, and its text decoded by
 * the charset its `Content-Type` declares (core/body.ts). Needs nothing before it.
 */
export const readBody: Step = async (exchange) => {
  const bytes = await exchange.request.readBody(exchange.runtime.maxBodyBytes)
  exchange.bodyBytes = bytes
  exchange.bodyText = bodyTextOf(bytes, exchange.request.headers.get('content-type'))
}
