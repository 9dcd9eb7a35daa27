import type { Step } from './exchange.ts'

/**
 * Finds (or creates) the session `X-Mock-Session` names, waits for its scenario, moves its clock
 * and draws the request id. Needs nothing; every later step needs the session.
 */
export const resolveSession: Step = async (exchange) => {
  const session = exchange.runtime.sessions.forRequest(exchange.request)
  exchange.session = session
  await session.ready
  session.clock.tick()
  exchange.requestId = exchange.vendor.createRequestId(session.requestIds)
}
