import type { Answer } from '../answer.ts'
import { parseJsonBody } from '../body.ts'
import type { OperationContext } from '../vendor.ts'
import { type Step, sessionOf } from './exchange.ts'
import { abandon } from './inject-faults.ts'
import { parseQuery } from './parse-query.ts'
import { renderFor } from './render-error.ts'
import { superseded, supersededError } from './resolve-session.ts'

/** Methods whose handlers only read (unless the operation says it `writes`); others run one at a time per session. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Parses the query with the operation's schema and runs its handler; state-changing methods run
 * one at a time per session; a request whose session was reset meanwhile (also while it waited
 * its turn) gets the {@link supersededError} 503 instead. Needs the session, request id, body and
 * principal.
 */
export const runOperation: Step = async (exchange) => {
  const { operation, request, url, vendor } = exchange
  if (!operation || abandon(exchange)) return
  if (superseded(exchange)) throw supersededError()
  const session = sessionOf(exchange)
  const bodyText = exchange.bodyText
  const context: OperationContext<unknown, unknown> = {
    request,
    url,
    params: exchange.params,
    query: parseQuery(vendor, operation, url.searchParams) as Record<string, never>,
    store: session.store(vendor),
    principal: exchange.principal,
    clock: session.clock,
    random: session.random,
    requestId: exchange.requestId ?? '',
    operationId: exchange.operationId,
    bodyText,
    readJson: async () => parseJsonBody(bodyText),
    renderError: (error) => renderFor(exchange, error),
    ...(exchange.failAsync ? { failAsync: { rule: exchange.failAsync.id } } : {}),
  }
  // A write waits its turn; a client gone by then (or before) does not get it run.
  exchange.response =
    SAFE_METHODS.has(request.method) && !operation.writes
      ? await operation.handle(context)
      : await session.exclusive(() => {
          if (abandon(exchange)) return exchange.response as Answer
          if (superseded(exchange)) throw supersededError()
          return operation.handle(context)
        })
}
