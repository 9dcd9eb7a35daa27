import type { Answer } from '../answer.ts'
import type { JournalExtra } from '../journal-entry.ts'
import { previewResponseBody } from '../journal-preview.ts'
import { decidingFault, type Exchange, sendsNoAnswer } from './exchange.ts'
import { superseded } from './resolve-session.ts'

/**
 * An answer's body text for the journal, which cuts it, without taking it from the client: a body
 * known whole gives its text; a stream is read from a copy as far as the preview needs, the
 * answer keeping the other.
 */
async function answerBodyText(answer: Answer): Promise<string | null> {
  const { body } = answer
  if (body === null) return null
  if ('bytes' in body) return body.text === '' ? null : body.text
  const preview = await previewResponseBody(new Response(body.stream))
  body.stream = preview.response.body as ReadableStream<Uint8Array>
  return preview.body
}

/** The rate a `bytesPerSecond` rule sent the answer's body at, if one did (see shape-body.ts). */
function slowedTo(exchange: Exchange): number | undefined {
  if (sendsNoAnswer(exchange) || !exchange.response) return undefined
  return exchange.faults.find((rule) => rule.effect.bytesPerSecond !== undefined)?.effect
    .bytesPerSecond
}

/**
 * Writes the exchange to its session's journal (nothing when the session itself was refused),
 * with the start of the response body the client receives; a request from before a reset or
 * state import (see `superseded`) is not recorded in the new journal. Runs last: needs the final response
 * (headers stamped), or the network outcome. What it hands the journal is kept as it is (see
 * `JournalRecord`): the entry is made only if someone reads it.
 */
export async function recordJournal(exchange: Exchange): Promise<void> {
  const { session, request, url, bodyText } = exchange
  if (!session || superseded(exchange)) return
  // A dropped connection sent nothing; otherwise keep the answer (a truncated one whole).
  const answered = !sendsNoAnswer(exchange)
  const response = exchange.response
  const responseBody = answered && response ? await answerBodyText(response) : null
  session.journal.add({
    time: session.clock.now(),
    // The wall clock at arrival; performance's origin keeps it monotonic with durationMs.
    receivedAt: performance.timeOrigin + exchange.started,
    session: session.name,
    operation: exchange.operationId,
    vendor: exchange.vendor.name,
    method: request.method,
    path: url.pathname,
    search: url.search,
    requestBody: bodyText,
    responseBody,
    status: answered ? (response?.status ?? 0) : 0,
    network: exchange.network,
    durationMs: Math.round((performance.now() - exchange.started) * 1000) / 1000,
    requestHeaders: headerPairs(request.headers),
    responseHeaders: answered && response ? headerPairs(response.headers) : null,
    requestId: exchange.requestId ?? '',
    fault: decidingFault(exchange)?.id ?? null,
    extra: extraOf(exchange, answered),
  })
}

/** The optional fields of the exchange's entry that apply, in their order; undefined if none. */
function extraOf(exchange: Exchange, answered: boolean): JournalExtra | undefined {
  const response = exchange.response
  const bytesPerSecond = slowedTo(exchange)
  const hint = response?.headers.get('X-Mock-Hint')
  // The async work started only when the operation answered a success.
  const asyncFailed = exchange.failAsync && answered && (response?.status ?? 500) < 400
  if (
    exchange.delayMs === undefined &&
    !exchange.committed &&
    bytesPerSecond === undefined &&
    !asyncFailed &&
    !exchange.abandoned &&
    (hint === null || hint === undefined) &&
    !exchange.violations
  )
    return undefined
  return {
    ...(exchange.delayMs !== undefined ? { delayMs: exchange.delayMs } : {}),
    ...(exchange.committed ? { committed: true as const } : {}),
    ...(bytesPerSecond !== undefined ? { bytesPerSecond } : {}),
    ...(asyncFailed ? { asyncFailed: true as const } : {}),
    ...(exchange.abandoned ? { abandoned: true as const } : {}),
    ...(hint !== null && hint !== undefined ? { hint } : {}),
    // The same array: a streamed answer adds the violations of its later lines.
    ...(exchange.violations ? { violations: exchange.violations } : {}),
  }
}

/** Header names and values in turn, as `Headers` iterates them (what the journal keeps). */
function headerPairs(headers: Iterable<[string, string]>): string[] {
  const pairs: string[] = []
  for (const [name, value] of headers) pairs.push(name, value)
  return pairs
}
