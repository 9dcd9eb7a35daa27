import { type Answer, AnswerHeaders, type AnswerInit, knownBodyOf } from './answer.ts'

const encoder = new TextEncoder()

/**
 * A JSON answer, serialized and UTF-8 encoded once: `Content-Type: application/json` (unless
 * `init` names another) and the `Content-Length` of the encoded bytes; the reason phrase is the
 * status's own. The same bytes as msw's `HttpResponse.json`, which encodes the text twice (once to
 * count it, once when read); the text is kept beside the bytes, so the journal previews the body
 * and a socket transport writes it without reading anything back (core/answer.ts).
 * `undefined` (which JSON cannot say) gives an empty body.
 */
export function jsonResponse(body: unknown, init: AnswerInit = {}): Answer {
  return jsonTextResponse(JSON.stringify(body) as string | undefined, init)
}

/** {@link jsonResponse} for JSON text already serialized (an answer assembled in parts). */
export function jsonTextResponse(text: string | undefined, init: AnswerInit = {}): Answer {
  const headers = new AnswerHeaders(init.headers)
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  const bytes = encoder.encode(text ?? '')
  headers.set('content-length', String(bytes.byteLength))
  return {
    status: init.status ?? 200,
    statusText: init.statusText,
    headers,
    body: bytes.byteLength === 0 ? null : { bytes, text: text as string },
  }
}

/**
 * An answer of exactly these bytes whose text is already decoded (a proxied upstream answer):
 * as with {@link jsonResponse}'s, the journal previews `text` and a socket transport writes
 * `bytes` as they are. `init` carries every header, Content-Length too.
 */
export function knownBytesResponse(
  bytes: Uint8Array<ArrayBuffer>,
  text: string,
  init: AnswerInit,
): Answer {
  return {
    status: init.status ?? 200,
    statusText: init.statusText ?? '',
    headers: new AnswerHeaders(init.headers),
    body: bytes.byteLength === 0 ? null : { bytes, text },
  }
}

/**
 * The text of a `Response` made (core/answer.ts `toResponse`) from an answer whose body is known
 * whole, such as {@link jsonResponse}'s; undefined for any other.
 */
export function jsonTextOf(response: Response): string | undefined {
  return knownBodyOf(response)?.text
}
