import { MockStatusError } from '../errors.ts'
import type { Exchange, Step } from './exchange.ts'

/**
 * Finds (or creates) the session `X-Mock-Session` names, waits for its scenario, notes its epoch,
 * moves its clock and draws the request id. Needs nothing; every later step needs the session.
 */
export const resolveSession: Step = async (exchange) => {
  const session = exchange.runtime.sessions.forRequest(exchange.request)
  exchange.session = session
  await session.ready
  exchange.epoch = session.epoch
  session.clock.tick()
  exchange.requestId = exchange.vendor.createRequestId(session.requestIds)
}

/**
 * Whether the session was reset (`POST /__mock/reset`, `reset()`) or its state replaced
 * (`PUT /__mock/state`, `importState()`) since the request resolved it: such a request belongs to
 * a state that is gone, so it never runs its operation nor fires a rule against the new one, and
 * it is not recorded in the new journal (which starts empty).
 */
export function superseded(exchange: Exchange): boolean {
  return (
    exchange.session !== undefined &&
    exchange.epoch !== undefined &&
    exchange.epoch !== exchange.session.epoch
  )
}

/** The 503 a superseded request gets instead (rendered as the vendor renders its errors). */
export function supersededError(): MockStatusError {
  return new MockStatusError(
    503,
    'the session was reset while this request was in flight; it did not run',
    'superseded',
  )
}
