import { HttpResponse } from 'msw'
import { MockStatusError } from '../errors.ts'
import { redirectResponse } from '../faults.ts'
import { sleep } from '../sleep.ts'
import { type Step, sessionOf } from './exchange.ts'

/**
 * Applies the session's fault rules: the latency of every rule that fired, then the terminal
 * rule's redirect, dropped connection or vendor error. Needs the session and a routed operation
 * (unrouted requests take no faults).
 */
export const injectFaults: Step = async (exchange) => {
  const { operation, request, url, runtime } = exchange
  if (!operation) return
  const outcome = sessionOf(exchange).faults.evaluate({
    operation: exchange.operationId,
    method: request.method,
    path: url.pathname,
    statuses: operation.statuses,
  })
  exchange.faults = outcome.applied
  // Latency rules add up and let evaluation go on; the terminal rule, if any, decides the answer.
  if (outcome.delayMs > 0) await sleep(outcome.delayMs, request.signal)
  const rule = outcome.rule
  if (!rule) return
  const { effect } = rule
  if (effect.location !== undefined) {
    exchange.response = redirectResponse(effect)
  } else if (effect.network === 'reset') {
    exchange.network = 'reset'
    exchange.response = HttpResponse.error()
  } else if (effect.network === 'timeout') {
    exchange.network = 'timeout'
    await sleep(runtime.timeoutCeilingMs, request.signal)
    exchange.response = HttpResponse.error()
  } else if (effect.status !== undefined) {
    throw new MockStatusError(effect.status, `Injected by fault rule "${rule.id}"`, 'injected', {
      retryAfter: effect.retryAfter,
      bodyOverride: effect.body,
    })
  }
}
