import { HttpResponse } from 'msw'
import { MockStatusError } from '../errors.ts'
import { sleep } from '../sleep.ts'
import { type Step, sessionOf } from './exchange.ts'

/**
 * Applies the session's fault rules: latency, then a dropped connection or the vendor's error for
 * an injected status. Needs the session and a routed operation (unrouted requests take no faults).
 */
export const injectFaults: Step = async (exchange) => {
  const { operation, request, url, runtime } = exchange
  if (!operation) return
  const rule = sessionOf(exchange).faults.evaluate({
    operation: exchange.operationId,
    method: request.method,
    path: url.pathname,
    statuses: operation.statuses,
  })
  if (!rule) return
  exchange.faults.push(rule)
  const { effect } = rule
  if (effect.delayMs) await sleep(effect.delayMs, request.signal)
  if (effect.network === 'reset') {
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
