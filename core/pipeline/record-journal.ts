import { BODY_PREVIEW_CHARS } from '../journal.ts'
import type { Exchange } from './exchange.ts'
import { queryRecord } from './parse-query.ts'

/**
 * Writes the exchange to its session's journal (nothing when the session itself was refused).
 * Runs last: needs the response, or the network outcome.
 */
export function recordJournal(exchange: Exchange): void {
  const { session, request, url, bodyText, response } = exchange
  if (!session) return
  session.journal.record({
    time: session.clock.iso(),
    session: session.name,
    operation: exchange.operationId,
    vendor: exchange.vendor.name,
    method: request.method,
    path: url.pathname,
    query: queryRecord(url.searchParams),
    requestBody: bodyText === '' ? null : bodyText.slice(0, BODY_PREVIEW_CHARS),
    requestBodyTruncated: bodyText.length > BODY_PREVIEW_CHARS,
    status: exchange.network === null ? (response?.status ?? 0) : 0,
    network: exchange.network,
    durationMs: Math.round((performance.now() - exchange.started) * 1000) / 1000,
    requestId: exchange.requestId ?? '',
    fault: exchange.faults.at(-1)?.id ?? null,
    // The same array: a streamed answer adds the violations of its later lines.
    ...(exchange.violations ? { violations: exchange.violations } : {}),
  })
}
