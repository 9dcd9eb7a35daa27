import { bodyTextOf } from '../body.ts'
import type { Step } from './exchange.ts'
import { abandon } from './inject-faults.ts'

/**
 * Reads the body within the size limit (413 past it): its bytes as sent, and its text decoded by
 * the charset its `Content-Type` declares (core/body.ts). Needs nothing before it. A client that
 * hangs up mid-body abandons the request (see `abandon`).
 */
export const readBody: Step = async (exchange) => {
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = await exchange.request.readBody(exchange.runtime.maxBodyBytes)
  } catch (error) {
    // The client hung up before its body ended: as when it leaves during a delay, nobody waits
    // for an answer and the operation does not run (journaled `abandoned`, not a server error).
    if (abandon(exchange)) return
    throw error
  }
  exchange.bodyBytes = bytes
  exchange.bodyText = bodyTextOf(bytes, exchange.request.headers.get('content-type'))
}
