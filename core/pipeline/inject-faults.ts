import { droppedConnection } from '../answer.ts'
import { MockStatusError } from '../errors.ts'
import { commitsChange } from '../fault-match.ts'
import { type FaultRule, type QuotaHit, redirectResponse } from '../faults.ts'
import { sleep } from '../sleep.ts'
import { type Exchange, type Step, sessionOf } from './exchange.ts'
import { renderError } from './render-error.ts'
import { GARBAGE_BYTES } from './shape-body.ts'

/**
 * Applies the session's fault rules: the latency of every rule that fired, then the terminal
 * rule's redirect, dropped connection or vendor error. An `afterCommit` rule is kept for
 * {@link loseAnswer}, after the operation. Needs the session and a routed operation (unrouted
 * requests take no faults).
 */
export const injectFaults: Step = async (exchange) => {
  const { operation, request, url } = exchange
  if (!operation) return
  const outcome = sessionOf(exchange).faults.evaluate({
    operation: exchange.operationId,
    method: request.method,
    path: url.pathname,
    statuses: operation.statuses,
    principal: exchange.vendor.principalName?.(request, exchange.principal),
    headers: request.headers,
    query: url.searchParams,
    body: () => jsonObject(exchange.bodyText),
    commits: commitsChange(operation),
    startsAsync: operation.asyncWork ? (operation.asyncWork.starts?.(request) ?? true) : false,
  })
  exchange.faults = outcome.applied
  // Latency rules add up and let evaluation go on; the terminal rule, if any, decides the answer.
  if (outcome.delayMs !== undefined) {
    exchange.delayMs = outcome.delayMs
    if (outcome.delayMs > 0) await sleep(outcome.delayMs, request.signal)
  }
  if (abandon(exchange)) return
  const rule = outcome.rule
  if (!rule) return
  if (rule.effect.network === 'truncate') {
    exchange.truncate = rule
    return
  }
  if (rule.effect.when === 'afterCommit') {
    exchange.afterCommit = rule
    return
  }
  // The operation answers as usual; the async work it starts is told to fail (run-operation).
  if (rule.effect.async === 'fail') {
    exchange.failAsync = rule
    return
  }
  await fail(exchange, rule, outcome.quota, outcome.windowRetryAfter)
}

/**
 * An `afterCommit` rule's failure, once the operation ran: the change is stored (`committed` when
 * the operation answered a success), then the answer is replaced by the dropped connection or
 * the gateway's error, as when a proxy loses a write's answer on its way back.
 */
export async function loseAnswer(exchange: Exchange): Promise<void> {
  if (exchange.truncate && !exchange.abandoned) exchange.network = 'truncate'
  const rule = exchange.afterCommit
  if (!rule || exchange.abandoned) return
  exchange.committed = (exchange.response?.status ?? 500) < 400
  exchange.forwarded = undefined
  try {
    await fail(exchange, rule)
  } catch (error) {
    renderError(exchange, error)
  }
}

/**
 * Marks an exchange whose client has gone (its signal aborted during a delay) as abandoned: the
 * operation does not run, as a server that never got the request would not run it. True when so.
 */
export function abandon(exchange: Exchange): boolean {
  if (!exchange.request.aborted) return false
  exchange.abandoned = true
  exchange.response = droppedConnection()
  return true
}

/** The body's top-level JSON object, or undefined (no body, no JSON, not an object). */
function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Applies a terminal rule's effect; `quota` is a quota rule's hit: its `Retry-After` (unless the
 * rule sets its own) and the vendor's rate-limit headers; `windowRetryAfter`, the seconds until a
 * rule's window ends, is the `Retry-After` of a window's outage (unless the rule sets its own).
 */
async function fail(
  exchange: Exchange,
  rule: FaultRule,
  quota?: QuotaHit,
  windowRetryAfter?: number,
): Promise<void> {
  const { effect } = rule
  const { request, runtime } = exchange
  if (effect.location !== undefined) {
    exchange.response = redirectResponse(effect)
  } else if (effect.network === 'reset') {
    exchange.network = 'reset'
    exchange.response = droppedConnection()
  } else if (effect.network === 'garbage' || effect.network === 'empty') {
    exchange.network = effect.network
    exchange.response = droppedConnection(
      effect.network === 'garbage' ? GARBAGE_BYTES : new Uint8Array(0),
    )
  } else if (effect.network === 'timeout') {
    exchange.network = 'timeout'
    await sleep(runtime.timeoutCeilingMs, request.signal)
    exchange.response = droppedConnection()
  } else if (effect.status !== undefined) {
    const message = rule.quota
      ? `Rate limit of ${rule.quota.limit} requests per ${rule.quota.perMs} ms reached (fault rule "${rule.id}")`
      : `Injected by fault rule "${rule.id}"`
    const headers =
      quota &&
      exchange.vendor.throttleHeaders?.(
        { ...quota, remaining: 0, resetSeconds: quota.retryAfter },
        request,
      )
    throw new MockStatusError(effect.status, message, 'injected', {
      retryAfter:
        effect.retryAfter ??
        quota?.retryAfter ??
        // The statuses that say when to come back (render-error) say when the window ends.
        (effect.status === 429 || effect.status === 503 ? windowRetryAfter : undefined),
      bodyOverride: effect.body,
      ...(headers ? { headers } : {}),
    })
  }
}
