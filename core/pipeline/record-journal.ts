import type { Answer } from '../answer.ts'
import {
  BODY_PREVIEW_CHARS,
  bodyPreview,
  journalQuery,
  previewResponseBody,
} from '../journal-preview.ts'
import { redactHeaders } from '../redact.ts'
import { decidingFault, type Exchange, sendsNoAnswer } from './exchange.ts'
import { superseded } from './resolve-session.ts'

/**
 * The start of an answer's body, without taking it from the client: a body known whole gives its
 * text; a stream is read from a copy as far as the preview needs, the answer keeping the other.
 */
async function previewAnswerBody(
  answer: Answer,
): Promise<{ body: string | null; truncated: boolean }> {
  const { body } = answer
  if (body === null) return { body: null, truncated: false }
  if ('bytes' in body) {
    if (body.text === '') return { body: null, truncated: false }
    return { body: bodyPreview(body.text), truncated: body.text.length > BODY_PREVIEW_CHARS }
  }
  const preview = await previewResponseBody(new Response(body.stream))
  body.stream = preview.response.body as ReadableStream<Uint8Array>
  return preview
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
 * (headers stamped), or the network outcome.
 */
export async function recordJournal(exchange: Exchange): Promise<void> {
  const { session, request, url, bodyText } = exchange
  if (!session || superseded(exchange)) return
  // A dropped connection sent nothing; otherwise keep the answer (a truncated one whole).
  const response = exchange.response
  const preview =
    !sendsNoAnswer(exchange) && response ? await previewAnswerBody(response) : undefined
  session.journal.record(
    {
      time: session.clock.iso(),
      // The wall clock at arrival; performance's origin keeps it monotonic with durationMs.
      receivedAt: new Date(performance.timeOrigin + exchange.started).toISOString(),
      session: session.name,
      operation: exchange.operationId,
      vendor: exchange.vendor.name,
      method: request.method,
      path: bodyPreview(url.pathname),
      requestBody: bodyText === '' ? null : bodyPreview(bodyText),
      requestBodyTruncated: bodyText.length > BODY_PREVIEW_CHARS,
      responseBody: preview?.body ?? null,
      responseBodyTruncated: preview?.truncated ?? false,
      status: sendsNoAnswer(exchange) ? 0 : (response?.status ?? 0),
      network: exchange.network,
      durationMs: Math.round((performance.now() - exchange.started) * 1000) / 1000,
      requestHeaders: journalQuery(redactHeaders(request.headers)) as Record<string, string>,
      responseHeaders:
        !sendsNoAnswer(exchange) && response
          ? (journalQuery(redactHeaders(response.headers)) as Record<string, string>)
          : {},
      requestId: exchange.requestId ?? '',
      fault: decidingFault(exchange)?.id ?? null,
      ...(exchange.delayMs !== undefined ? { delayMs: exchange.delayMs } : {}),
      ...(exchange.committed ? { committed: true as const } : {}),
      ...(slowedTo(exchange) !== undefined ? { bytesPerSecond: slowedTo(exchange) } : {}),
      // The async work started only when the operation answered a success.
      ...(exchange.failAsync && !sendsNoAnswer(exchange) && (response?.status ?? 500) < 400
        ? { asyncFailed: true as const }
        : {}),
      ...(exchange.abandoned ? { abandoned: true as const } : {}),
      ...(response?.headers.has('X-Mock-Hint')
        ? { hint: response.headers.get('X-Mock-Hint') as string }
        : {}),
      // The same array: a streamed answer adds the violations of its later lines.
      ...(exchange.violations ? { violations: exchange.violations } : {}),
    },
    url.search,
  )
}
